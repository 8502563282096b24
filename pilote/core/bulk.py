"""For code that builds or reads tens of thousands of rows at once (an import, the scoring of the whole pool)."""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while a bulk step builds its rows: the national inventory of
    brownfields makes about a million dicts and strings that all live until they are written, and the collector
    walked them again and again for nothing (a quarter of the parsing, of the scoring). Rows of plain values hold no
    reference cycle; the collector runs again after, as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
