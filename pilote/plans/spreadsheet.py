"""The XLSX template of an action plan (export and import read the same columns) and the CSV export.

Sheets: "Fiches actions" (one row a fiche, keyed by its "Référence": the fiche's number for an existing fiche, any
other text such as "N1" for a new one), "Financeurs" and "Indicateurs" (one row a line, pointing at a fiche's
reference). Parsing collects every row-level error in French; the import form writes nothing when there is one.
"""

import datetime
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from pilote.core.exports import append_rows, csv_text
from pilote.core.forms import as_stored
from pilote.core.uploads import UploadRefused, XlsxLimits, grouped, open_xlsx, sheet_rows

from .enums import FicheStatus, Priority
from .models import FicheAction, Funder, Indicator

FICHES, FUNDERS, INDICATORS = "Fiches actions", "Financeurs", "Indicateurs"
REF = "Référence"
FICHE_REF = "Référence de la fiche"
# column title → model field
FICHE_COLUMNS = {
    REF: "ref",
    "Intitulé": "title",
    "Description": "description",
    "Priorité": "priority",
    "Statut": "status",
    "Porteur": "lead_organisation",
    "Début": "started_on",
    "Fin": "ended_on",
    "Coût total (€)": "total_cost",
}
FUNDER_COLUMNS = {
    FICHE_REF: "ref",
    "Financeur": "organisation",
    "Montant (€)": "amount",
    "Acquis ou attendu": "is_secured",
}
INDICATOR_COLUMNS = {
    FICHE_REF: "ref",
    "Indicateur": "name",
    "Unité": "unit",
    "Cible": "target",
    "Valeur": "value",
    "Date de la mesure": "measured_on",
}
SECURED = {"acquis": True, "attendu": False}


def fiches_of(territory):
    return FicheAction.objects.of(territory).prefetch_related("funders", "indicators").order_by("id")


# ---------------------------------------------------------------- export


def _fiche_row(fiche: FicheAction) -> list:
    return [
        str(fiche.pk),
        fiche.title,
        fiche.description,
        fiche.get_priority_display(),
        fiche.get_status_display(),
        fiche.lead_organisation,
        fiche.started_on,
        fiche.ended_on,
        fiche.total_cost,
    ]


def _sheet(workbook: Workbook, title: str, columns: dict, rows: list[list], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    append_rows(sheet, rows)
    for letter, width in zip("ABCDEFGHI", (12, 50, 60, 36, 14, 30, 14, 14, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    return sheet


def _choices_validation(sheet, column: str, labels: list[str]) -> None:
    validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    validation.error = "Choisissez une valeur de la liste."
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}1000")


def export_xlsx(territory) -> bytes:
    fiches = list(fiches_of(territory))
    workbook = Workbook()
    sheet = _sheet(workbook, FICHES, FICHE_COLUMNS, [_fiche_row(f) for f in fiches], first=True)
    _choices_validation(sheet, "D", Priority.labels)
    _choices_validation(sheet, "E", FicheStatus.labels)
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=8):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    funders = [
        [str(f.pk), x.organisation, x.amount, "acquis" if x.is_secured else "attendu"]
        for f in fiches
        for x in f.funders.all()
    ]
    _choices_validation(_sheet(workbook, FUNDERS, FUNDER_COLUMNS, funders), "D", list(SECURED))
    indicators = [
        [str(f.pk), i.name, i.unit, i.target, i.value, i.measured_on] for f in fiches for i in f.indicators.all()
    ]
    _sheet(workbook, INDICATORS, INDICATOR_COLUMNS, indicators)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(territory) -> str:
    """One row a fiche, with its funding totals: for a quick look in a spreadsheet (the XLSX is the full plan)."""
    header = [*FICHE_COLUMNS, "Financements acquis (€)", "Financements attendus (€)", "Indicateurs"]
    return csv_text(header, (_csv_row(fiche) for fiche in fiches_of(territory)))


def _csv_row(fiche) -> list:
    row = _fiche_row(fiche)
    row[6:8] = [d.strftime("%d/%m/%Y") if d else "" for d in row[6:8]]
    funders = list(fiche.funders.all())
    secured = sum((f.amount for f in funders if f.is_secured), Decimal(0))
    expected = sum((f.amount for f in funders if not f.is_secured), Decimal(0))
    return [*row, secured, expected, " | ".join(i.name for i in fiche.indicators.all())]


# ---------------------------------------------------------------- import

# A plan holds at most MAX_FICHES fiches, each sheet of lines MAX_LINES rows: past them the file is refused unread.
MAX_FICHES, MAX_LINES = 2_000, 10_000
MAX_LINES_PER_FICHE = 50  # funders, and indicators, of one fiche: its page and its form list them all
MAX_ERRORS = 100  # listed; the others are only counted
LIMITS = XlsxLimits(max_rows=MAX_LINES + 1_000)  # rows read, blank ones included


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ParsedPlan:
    fiches: dict[str, dict] = field(default_factory=dict)  # reference → fiche fields
    funders: dict[str, list[dict]] = field(default_factory=dict)
    indicators: dict[str, list[dict]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # reference → row number in the fiches sheet
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS
    error_count: int = 0
    refusal: str = ""  # why the whole file is refused (too big, unreadable…): then its rows do not matter

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def refuse(self, message: str) -> None:
        self.refusal, self.errors, self.error_count = message, [], 0


@functools.cache
def _fields(model, name: str):
    """The model field and the form field the plan's forms use for it (French numbers, as `forms.ModelForm`)."""
    model_field = model._meta.get_field(name)
    return model_field, model_field.formfield(localize=True)


@functools.cache
def _choices(choices) -> dict[str, str]:
    """Value of each label (lower case) and of each value, as a cell may hold either."""
    return {label.lower(): value for value, label in choices.choices} | {v: v for v in choices.values}


class Cells:
    """One row of a sheet, read by column title; each bad cell becomes a RowError. Numbers and dates go through the
    form field and the model validators of their column: a file is held to the same rules as the forms."""

    def __init__(self, sheet: str, number: int, values: dict, plan: ParsedPlan):
        self.sheet, self.number, self.values, self.plan = sheet, number, values, plan

    def error(self, column: str, message: str) -> None:
        self.plan.add_error(RowError(self.sheet, self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.values.get(column)
        text = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if required and not text:
            self.error(column, "Valeur obligatoire.")
        elif len(text) > max_length:
            self.error(column, f"{max_length} caractères au plus.")
        return text

    def choice(self, column: str, choices, *, default=None):
        text = self.text(column).lower()
        if not text and default is not None:
            return default
        known = _choices(choices)
        if text not in known:
            self.error(
                column, "Valeur inconnue : choisissez parmi " + ", ".join(f"« {x} »" for x in choices.labels) + "."
            )
        return known.get(text)

    def decimal(self, column: str, model, name: str) -> Decimal | None:
        value = self.values.get(column)
        if value is None or str(value).strip() == "":
            if not _fields(model, name)[0].null:
                self.error(column, "Valeur obligatoire.")
            return None
        return self._clean(column, model, name, str(value).strip())

    def date(self, column: str, model, name: str) -> datetime.date | None:
        value = self.values.get(column)
        if isinstance(value, datetime.datetime):
            return self._clean(column, model, name, value.date())
        if isinstance(value, datetime.date):
            return self._clean(column, model, name, value)
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return self._clean(column, model, name, datetime.datetime.strptime(text, pattern).date())
            except ValueError:
                pass
        self.error(column, f"« {text} » n'est pas une date (attendu : JJ/MM/AAAA).")
        return None

    def _clean(self, column: str, model, name: str, value):
        model_field, form_field = _fields(model, name)
        try:
            value = as_stored(form_field, form_field.clean(value))
            model_field.run_validators(value)
        except ValidationError as error:
            invalid = error.error_list[0].code == "invalid"
            self.error(column, f"« {value} » n'est pas un nombre." if invalid else " ".join(error.messages))
            return None
        return value


def _rows(workbook, title: str, columns: dict, plan: ParsedPlan, max_rows: int):
    """Cells of each non-empty row, after checking the header; an UploadRefused past `max_rows` of them."""
    if title not in workbook.sheetnames:
        plan.add_error(RowError(title, 0, "", f"L'onglet « {title} » manque : partez du modèle exporté."))
        return
    rows = sheet_rows(workbook[title], columns=LIMITS.max_columns, max_rows=LIMITS.max_rows)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        plan.add_error(RowError(title, 1, ", ".join(missing), "Colonne absente de l'en-tête."))
        return
    count = 0
    for number, row in enumerate(rows, start=2):
        if any(v is not None and str(v).strip() for v in row):
            count += 1
            if count > max_rows:
                raise UploadRefused(
                    f"L'onglet « {title} » compte plus de {grouped(max_rows)} lignes remplies : "
                    "c'est la limite d'un plan. Scindez le fichier."
                )
            yield Cells(title, number, dict(zip(header, row, strict=False)), plan)


def _parse_fiche(cells: Cells) -> dict:
    data = {
        "title": cells.text("Intitulé", required=True, max_length=300),
        "description": cells.text("Description", max_length=10_000),
        "priority": cells.choice("Priorité", Priority),
        "status": cells.choice("Statut", FicheStatus, default=FicheStatus.PLANNED),
        "lead_organisation": cells.text("Porteur"),
        "started_on": cells.date("Début", FicheAction, "started_on"),
        "ended_on": cells.date("Fin", FicheAction, "ended_on"),
        "total_cost": cells.decimal("Coût total (€)", FicheAction, "total_cost"),
    }
    if data["started_on"] and data["ended_on"] and data["ended_on"] < data["started_on"]:
        cells.error("Fin", "La date de fin doit être égale ou postérieure à la date de début.")
    return data


def _parse_funder(cells: Cells) -> dict:
    secured = cells.text("Acquis ou attendu").lower()
    if secured not in SECURED:
        cells.error("Acquis ou attendu", "Indiquez « acquis » ou « attendu ».")
    return {
        "organisation": cells.text("Financeur", required=True),
        "amount": cells.decimal("Montant (€)", Funder, "amount"),
        "is_secured": SECURED.get(secured, False),
    }


def _parse_indicator(cells: Cells) -> dict:
    return {
        "name": cells.text("Indicateur", required=True),
        "unit": cells.text("Unité", max_length=50),
        "target": cells.decimal("Cible", Indicator, "target"),
        "value": cells.decimal("Valeur", Indicator, "value"),
        "measured_on": cells.date("Date de la mesure", Indicator, "measured_on"),
    }


def parse_plan(file, existing_ids: set[int]) -> ParsedPlan:
    """Reads the whole workbook (every check of `core.uploads`, then every row); `existing_ids` are the fiches of
    the territory that a numeric reference may name. Writes nothing."""
    plan = ParsedPlan()
    try:
        workbook = open_xlsx(file, LIMITS)
        try:
            _read(workbook, plan, existing_ids)
        finally:
            workbook.close()
    except UploadRefused as refusal:
        plan.refuse(str(refusal))
    return plan


def _read(workbook, plan: ParsedPlan, existing_ids: set[int]) -> None:
    for cells in _rows(workbook, FICHES, FICHE_COLUMNS, plan, MAX_FICHES):
        ref = cells.text(REF, required=True, max_length=30)
        if ref in plan.fiches:
            cells.error(REF, f"La référence « {ref} » apparaît déjà ligne {plan.rows[ref]}.")
        elif ref.isdigit() and int(ref) not in existing_ids:
            cells.error(
                REF,
                f"Aucune fiche n° {ref} dans ce plan : pour une nouvelle fiche, utilisez une référence "
                "non numérique (par exemple « N1 »).",
            )
        plan.fiches[ref], plan.rows[ref] = _parse_fiche(cells), cells.number
    for title, columns, parse, target in (
        (FUNDERS, FUNDER_COLUMNS, _parse_funder, plan.funders),
        (INDICATORS, INDICATOR_COLUMNS, _parse_indicator, plan.indicators),
    ):
        for cells in _rows(workbook, title, columns, plan, MAX_LINES):
            ref = cells.text(FICHE_REF, required=True, max_length=30)
            if ref and ref not in plan.fiches:
                cells.error(FICHE_REF, f"Aucune fiche de référence « {ref} » dans l'onglet « {FICHES} ».")
            lines = target.setdefault(ref, [])
            if len(lines) == MAX_LINES_PER_FICHE:
                cells.error(
                    FICHE_REF,
                    f"La fiche « {ref} » a déjà {MAX_LINES_PER_FICHE} lignes dans cet onglet : c'est la limite.",
                )
            lines.append(parse(cells))
