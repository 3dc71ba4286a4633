"""The access matrix of the warehouse page: run by `tests/test_access_matrix.py` with its
own rows (one demo installation for all), whose guards count these rows too.

Only the analyst role carries `warehouse.view` (migration registers_ui/0001), with a
global grant in the demo; everyone else is refused.
"""

from __future__ import annotations

from tests.test_access_matrix import Row

ANALYSTS = frozenset({"analyst"})

ROWS = [
    Row("/warehouse/", ANALYSTS),
]
