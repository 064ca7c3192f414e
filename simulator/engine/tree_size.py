"""How large a scenario's play tree is, estimated in a few milliseconds before sweeping it.

Knuth's estimator: follow a random play-through and add up 1 + b1 + b1*b2 + ..., where b_i is
the number of replies shown at its i-th turn; over many play-throughs the mean is an unbiased
estimate of the number of prefixes (the tree's nodes). A few hundred play-throughs, stepped
together by the one step function, tell a million-prefix tree from a fifty-thousand one,
which is all `analyse --jobs` needs to start the long analyses first.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.batch_step import Stepper
from simulator.scenario.limits import TURN_LIMIT

PROBES = 256


def estimated_prefixes(stepper: Stepper, probes: int = PROBES, seed: int = 0) -> float:
    """The estimated number of prefixes of the play tree (the opening included)."""
    rng = np.random.default_rng(seed)
    state = stepper.root().take(np.zeros(probes, dtype=np.int64))
    weight = np.ones(probes)
    total = float(probes)
    for _ in range(TURN_LIMIT):
        going = np.flatnonzero(~state.ended)
        if not going.size:
            break
        state, weight = state.take(going), weight[going]
        shown = state.n_options.astype(np.int64)
        weight = weight * shown
        total += float(weight.sum())
        picks = np.minimum((rng.random(len(going)) * shown).astype(np.int64), shown - 1)
        state = stepper.step(state, picks)
    return total / probes
