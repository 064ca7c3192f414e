"""`mood.reply_effect`'s answers for a scenario's replies, worked out once and looked up.

A reply's mood effect depends only on the reply and on how often each of its acts was used
before (capped at `mood.MAX_COUNTED_USES`). A reply naming a acts therefore has at most
(MAX_COUNTED_USES + 1) ** a different effects, and most replies name one to three acts, so the
analyser, which works out millions of effects, can look each up instead of adding the acts'
terms slot by slot for every row (that addition was 40 % of a sweep's step).

The table is filled by calling `mood.reply_effect` itself on every combination of counts, so
a looked-up effect is the very float the batch arithmetic gives: the rule stays written once,
this only remembers its answers. A reply with more acts keeps fewer counts per act (its table
at most ENTRIES_PER_REPLY rows); a row past its reply's counts, or a reply left out because the
table would pass its byte budget, is worked out the usual way.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import mood as mood_model

FULL_CAP = mood_model.MAX_COUNTED_USES + 1  # every count reply_effect tells apart
ENTRIES_PER_REPLY = 512  # one or two acts: every count; three keep uses 0-7, four 0-3, five 0-2
# At most this much for the whole table (the shipped scenarios need 0.3-1.3 MB): it is part of
# the "model and numpy temporaries" share of the analyser's memory budget (analysis_budget.py).
TABLE_BYTES = 2 << 20


def _cap(acts: int) -> int:
    """Counts kept per act for a reply naming `acts` acts (0: the reply gets no table)."""
    if FULL_CAP ** acts <= ENTRIES_PER_REPLY:
        return FULL_CAP
    cap = 1
    while (cap + 1) ** acts <= ENTRIES_PER_REPLY:
        cap += 1
    return cap if cap >= 2 else 0


class EffectTable:
    """Looked-up effects of the flat (node, reply) slots `rows` (padded act rows), `acts` (acts
    per slot) and `base` (explicit effects) describe, as `batch_step.Stepper` holds them.
    Slots naming fewer acts come first, as their tables are the smallest and the commonest."""

    def __init__(self, model: mood_model.MoodModel, rows: np.ndarray, acts: np.ndarray, base: np.ndarray,
                 budget: int = TABLE_BYTES) -> None:
        slots, width = rows.shape
        self.dims = base.shape[1]
        self.offset = np.zeros(slots, dtype=np.int64)
        self.cap = np.zeros(slots, dtype=np.int64)  # 0: no table for this slot
        self.stride = np.zeros((slots, max(1, width)), dtype=np.int64)
        parts, used = [], 0
        for slot in np.argsort(acts, kind="stable").tolist():
            count = int(acts[slot])
            cap = _cap(count)
            entries = cap ** count if cap else 0
            if not entries or (used + entries) * self.dims * 8 > budget:
                continue
            # every combination of earlier uses, act slot 0 varying fastest (the strides below)
            grid = np.indices((cap,) * count, dtype=np.int64).reshape(count, entries).T[:, ::-1]
            parts.append(mood_model.reply_effect(model, np.repeat(base[slot:slot + 1], entries, axis=0),
                                                 np.repeat(rows[slot:slot + 1, :count], entries, axis=0),
                                                 np.ascontiguousarray(grid)))
            self.offset[slot], self.cap[slot] = used, cap
            self.stride[slot, :count] = cap ** np.arange(count)
            used += entries
        self.effects = np.concatenate(parts) if parts else np.zeros((1, self.dims))
        self.stride_by_act = np.ascontiguousarray(self.stride.T)  # (act position, slot): a row per position

    @property
    def nbytes(self) -> int:
        return int(self.effects.nbytes + self.offset.nbytes + self.cap.nbytes + 2 * self.stride.nbytes)

    def look_up(self, key: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(effects, found): row k's effect of slot key[k] given its acts' earlier uses
        counts[:, k] (one row per act position, padding counting 0), and which rows the table
        holds; the other rows of `effects` hold nothing meaningful and are for the caller to work
        out and write over. Column by column: numpy is slow reducing along short rows."""
        cap = self.cap.take(key)
        code = self.offset.take(key)
        found = cap > 0
        for i in range(len(counts)):
            used = np.minimum(counts[i], mood_model.MAX_COUNTED_USES)  # what reply_effect tells apart
            found &= used < cap
            used *= self.stride_by_act[i].take(key)
            code += used
        code[~found] = 0
        return self.effects.take(code, axis=0), found
