"""Demo seeds of the sites capability, one function per part (registry `demo_seeds`), each idempotent and cheap."""

from . import scoring


def sscore(*, log) -> None:
    """The default qualification method, and the scores of whatever sites the demo holds."""
    method = scoring.ensure_default_method()
    log(f"{method} : {scoring.score_pool(scoring.latest_method())} site(s) noté(s).")
