"""`distinct` gives what np.unique gives, on both sides of its size switch, and spares a
short-lived command the numpy.ma import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from simulator.engine.distinct import SORT_BELOW, distinct


@pytest.mark.parametrize("size", [0, 1, 2, 7, 1000, SORT_BELOW - 1, SORT_BELOW, SORT_BELOW + 5])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int64])
def test_distinct_is_np_unique(size, dtype):
    rng = np.random.default_rng(size)
    high = min(np.iinfo(dtype).max, max(2, size // 3))
    values = rng.integers(-high, high, size=size).astype(dtype)
    found = distinct(values)
    assert found.dtype == values.dtype
    assert found.tolist() == np.unique(values).tolist()


def test_distinct_flattens_and_leaves_its_input_alone():
    values = np.array([[5, 1, 5], [1, 9, -3]], dtype=np.int32)
    kept = values.copy()
    assert distinct(values).tolist() == [-3, 1, 5, 9]
    assert (values == kept).all()
    assert distinct(np.array([4, 4, 4, 4])).tolist() == [4]


def test_a_small_distinct_does_not_import_numpy_ma():
    code = ("import sys, numpy as np\n"
            "from simulator.engine.distinct import distinct\n"
            "distinct(np.arange(100) % 7)\n"
            "print('numpy.ma' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
