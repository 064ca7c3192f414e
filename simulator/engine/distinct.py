"""`distinct(values)`: the sorted distinct values of an integer array, what `np.unique(values)`
returns.

numpy 2.3's `np.unique` (values only) asks `np.ma` whether the array is masked, and the first
such call in a process imports numpy.ma: about 7 ms, a tenth of the engine's start-up, paid by
every command and by a trainer's quick check. The engine's arrays of ids and keys are mostly
small, where sorting and keeping each first of a run is cheap; a large one goes to
`np.unique`'s hash table, where that import is lost in the work.
"""

from __future__ import annotations

import numpy as np

SORT_BELOW = 1 << 16  # values up to this many: sorted here (np.unique's hash table beyond)


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, ascending (1-d, as `np.unique` gives them)."""
    values = np.asarray(values).ravel()
    if values.size >= SORT_BELOW:
        return np.unique(values)
    values = np.sort(values)
    if values.size > 1:
        first = np.empty(values.size, dtype=bool)
        first[0] = True
        np.not_equal(values[1:], values[:-1], out=first[1:])  # the first of each run of equal values
        values = values[first]
    return values
