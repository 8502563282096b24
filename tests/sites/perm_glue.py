"""Permission matrix entries of the sites' « À traiter » page (sglue): every signed-in person may open it (it lists
only what waits for their organisation and role), visitors are sent to sign in. Tests: tests/sites/test_inbox.py."""

from tests.permissions import signed_in

EXPECTATIONS = {
    "sites:todo": signed_in(contains="Sites : à traiter"),
}
