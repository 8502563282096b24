"""Official identifiers of companies and their checks: SIREN (9 digits) and SIRET (14 digits), both with a Luhn key.
The one check for every form of every app (budget commitments, declared industrial events)."""

LA_POSTE = "356000000"  # La Poste's SIREN: its SIRETs follow another key (sum of the digits divisible by 5)


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def siren_is_valid(siren: str) -> bool:
    """Nine digits whose Luhn key is right (La Poste's 356000000 is the one known exception)."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    return siren == LA_POSTE or luhn_is_valid(siren)


def siret_is_valid(siret: str) -> bool:
    """Fourteen digits: a valid SIREN followed by the establishment's number, the whole with a right Luhn key (La
    Poste's establishments, its head office aside: the sum of the digits is a multiple of 5)."""
    if len(siret) != 14 or not siret.isdigit() or not siren_is_valid(siret[:9]):
        return False
    if siret.startswith(LA_POSTE) and sum(int(c) for c in siret) % 5 == 0:
        return True
    return luhn_is_valid(siret)
