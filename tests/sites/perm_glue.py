"""Permission matrix entries of sglue: the sites' « À traiter » page — every signed-in person may open it (it lists
only what waits for their organisation and role), visitors are sent to sign in (tests/sites/test_inbox.py) — and the
public CNIG export of the labelled sites."""

from tests.permissions import public, signed_in

EXPECTATIONS = {
    "sites:todo": signed_in(contains="Sites : à traiter"),
    # The labelled sites in the CNIG format, public like the other exports (tests/sites/test_site_eco_export.py).
    "sites:labelled_site_eco": public({"table": "site-eco"}, contains="site_id;pole_id;site_nom"),
}
