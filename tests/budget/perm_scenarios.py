"""Permission-matrix entries of the budget's scenarios pages (merged into tests/permissions.py EXPECTATIONS).

Use the builders and helpers of tests/permissions.py (import them from there); objects are built once per test and
kept in tests.permissions.BUILT.
"""

EXPECTATIONS: dict = {}
