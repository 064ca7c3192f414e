"""The order replies are shown in: shuffled per attempt so position gives nothing away.

Authors tend to write the good reply first, so the game must not show replies in file order.
Each attempt carries a seed; the order at a turn is a pure function of (seed, turn, count),
so the same seed shows the same order again on resume, replay-from-turn and re-scoring, with
nothing but the seed stored. A seed of None means authored order (what `customer-sim run`
and `analyse` use unless asked otherwise).

The permutation comes from its own `numpy.random.Generator` seeded with `[seed, turn]`: it
never touches the global RNG and one turn's order does not depend on how many draws an
earlier turn made.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SEED_LIMIT = 2**63  # seeds are stored in JSON and SQLite; keep them inside a signed 64-bit int
# Orders are remembered: making a Generator costs ~15 us, and the surface strategies ask for
# the same (seed, turn, count) again for every strategy and every scenario in a process
# (50 seeds x 60 turns x a few counts). Wider screens are recomputed (a 10,000-reply order
# is cheap to make and costly to keep).
_REMEMBERED = 1 << 13
_REMEMBERED_COUNT = 64


def check_seed(seed: object) -> int | None:
    """`seed` if it is None or an int in [0, 2**63); else ValueError saying what is wrong."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"a reply-order seed must be a whole number or None, got {seed!r:.40}")
    if not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"a reply-order seed must be from 0 to {SEED_LIMIT - 1}, got {int(seed)}")
    return int(seed)


def display_order(seed: int | None, turn: int, count: int) -> tuple[int, ...]:
    """Authored indices in the order shown: position k on screen shows reply `order[k]`.

    `turn` is the 1-based number of the turn being shown; `count` the replies on screen.
    seed None -> identity (authored order).
    """
    if seed is None or count < 2:
        return tuple(range(count))
    seed = check_seed(seed)
    return _remembered(seed, turn, count) if count <= _REMEMBERED_COUNT else _permutation(seed, turn, count)


def _permutation(seed: int, turn: int, count: int) -> tuple[int, ...]:
    return tuple(np.random.default_rng([seed, turn]).permutation(count).tolist())


_remembered = lru_cache(maxsize=_REMEMBERED)(_permutation)


def new_seed(rng: np.random.Generator) -> int:
    """A fresh attempt seed drawn from `rng` (the caller's seeded Generator, never the global one)."""
    return int(rng.integers(0, SEED_LIMIT, dtype=np.int64))
