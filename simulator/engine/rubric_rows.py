"""The rubric's state for n conversations at once, and the arrays its rules read.

One row per conversation. The analyser scores hundreds of thousands of prefixes with it in
a few numpy calls per rule; the session is the n = 1 case of the same code, with an evidence
log switched on (see `rubric.RubricTracker`). No rule is written here: they are in
`rubric_rules.py`; this module holds what they work on.

- `RubricArrays`: rubric.yaml compiled once per rubric (act index, skill of each act,
  credit and penalty points, the act lists of every rule as masks).
- `ReplyTable`: the facts of distinct replies as arrays (acts in order, as a mask, the
  reply's explicit skill points, provokes, hand_off_right), plus their texts for evidence.
- `RubricRows`: what changes while a conversation is scored, one row each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Sequence

import numpy as np

from simulator.engine.rubric_facts import TurnFacts
from simulator.scenario.catalog_model import Act
from simulator.scenario.model import OUTCOMES, SKILLS

NO_OUTCOME = -1  # outcome index of an unfinished conversation (no ending rules, no floor)
SKILL_INDEX = {skill: i for i, skill in enumerate(SKILLS)}


class RubricArrays:
    """rubric.yaml's numbers and act lists as arrays, built once per compiled rubric."""

    def __init__(self, acts: Mapping[str, Act], credits: Mapping[str, float], penalties: Mapping[str, float],
                 starts: Mapping[str, float], targets: Mapping[str, float | None],
                 weights: Mapping[str, float]) -> None:
        self.act_ids: tuple[str, ...] = tuple(acts)
        self.act_index = {act_id: i for i, act_id in enumerate(self.act_ids)}
        n = len(self.act_ids)
        self.width = n
        self.skill_of = np.array([SKILL_INDEX.get(acts[a].skill, -1) if acts[a].skill else -1
                                  for a in self.act_ids] or [0], dtype=np.int64)[:max(n, 1)]
        self.positive = self.mask(a for a in self.act_ids if acts[a].polarity == "positive")
        self.negative = self.mask(a for a in self.act_ids if acts[a].polarity == "negative")
        self.critical = self.mask(a for a in self.act_ids if acts[a].critical)
        self.credit_units = np.array([credits.get(a, 0.0) for a in self.act_ids] or [0.0])
        self.penalty = np.array([penalties.get(a, 0.0) for a in self.act_ids] or [0.0])
        self.credit_mask = self.mask(credits)
        self.penalty_mask = self.mask(penalties)
        self.starts = np.array([starts[s] for s in SKILLS])
        # a skill without a target earns no credit from acts (it only loses); NaN marks it
        self.targets = np.array([np.nan if targets[s] is None else targets[s] for s in SKILLS])
        self.no_target = [targets[s] is None for s in SKILLS]  # (a skill's NaN, read without np.isnan)
        self.weights = [weights[s] for s in SKILLS]
        self.total_weight = sum(weights.values())
        # reply texts by id: the state keeps ids (refusals waiting, the last reply) for evidence
        self.texts: list[str] = [""]
        self._text_ids: dict[str, int] = {"": 0}
        self._masks: dict[tuple, np.ndarray] = {}  # (id(spec), key[, "outcomes"]) -> mask

    def text_id(self, text: str) -> int:
        found = self._text_ids.get(text)
        if found is None:
            found = self._text_ids[text] = len(self.texts)
            self.texts.append(text)
        return found

    def rule_mask(self, spec: Mapping[str, Any], key: str) -> np.ndarray:
        """The mask of a rule setting's act list, built once (the settings live as long as the rubric)."""
        found = self._masks.get((id(spec), key))
        if found is None:
            found = self._masks[(id(spec), key)] = self.mask(spec.get(key, ()))
        return found

    def outcome_mask(self, spec: Mapping[str, Any], key: str) -> np.ndarray:
        """np.isin(outcome, the spec's outcome list `key`) as a lookup, built once: one flag per
        outcome index, and a spare last one (False) that NO_OUTCOME (-1) reads."""
        found = self._masks.get((id(spec), key, "outcomes"))
        if found is None:
            found = np.zeros(len(OUTCOMES) + 1, dtype=bool)
            found[[OUTCOMES.index(o) for o in spec.get(key, ()) if o in OUTCOMES]] = True
            found.flags.writeable = False
            self._masks[(id(spec), key, "outcomes")] = found
        return found

    def mask(self, act_ids: Any) -> np.ndarray:
        """A (width,) bool mask of these acts (ids the catalog does not know are left out)."""
        out = np.zeros(max(self.width, 1), dtype=bool)
        for act_id in act_ids:
            i = self.act_index.get(act_id)
            if i is not None:
                out[i] = True
        return out


@dataclass
class ReplyTable:
    """Distinct replies' facts as arrays (one row each); `TurnFacts.turn` and `ends` are per
    turn, so they are not here. The texts are read only when evidence is logged."""

    acts: np.ndarray  # (m, k) int64: act indices in the reply's order (duplicates kept), -1 padding
    here: np.ndarray  # (m, width) bool: the set of acts
    skill_index: np.ndarray  # (m, j) int64: explicit `skills:` entries in order, -1 padding
    skill_points: np.ndarray  # (m, j) float64
    provokes: np.ndarray  # (m,) bool
    hand_off_right: np.ndarray  # (m,) bool
    text_ids: np.ndarray  # (m,) int64: the reply's text in RubricArrays.texts
    notes: list[str]
    kinds: list[tuple[str, ...]]  # the node's provokes: tags

    meets_cache: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)  # id(rubric) -> rubric_rules.ReplyPart: the rubric's per-reply work

    def __len__(self) -> int:
        return len(self.text_ids)

    def meets(self, mask: np.ndarray, without: np.ndarray | None = None) -> np.ndarray:
        """(m,) whether each reply does an act of `mask` (leaving out the acts of `without`),
        worked out once per mask: the rules ask it of every row of every turn."""
        key = (id(mask), None if without is None else id(without))
        found = self.meets_cache.get(key)
        if found is None:
            acts = self.here if without is None else self.here & ~without
            found = self.meets_cache[key] = (acts & mask).any(axis=1)
        return found


def reply_table(arrays: RubricArrays, facts: Sequence[TurnFacts]) -> ReplyTable:
    """The table of these facts, row i for facts[i] (their turn and ends are ignored)."""
    m = len(facts)
    k = max(1, max((len(f.acts) for f in facts), default=1))
    j = max(1, max((len(f.skills) for f in facts), default=1))
    table = ReplyTable(
        acts=np.full((m, k), -1, dtype=np.int64), here=np.zeros((m, max(arrays.width, 1)), dtype=bool),
        skill_index=np.full((m, j), -1, dtype=np.int64), skill_points=np.zeros((m, j)),
        provokes=np.array([bool(f.provokes) for f in facts], dtype=bool).reshape(m),
        hand_off_right=np.array([f.hand_off_right for f in facts], dtype=bool).reshape(m),
        text_ids=np.array([arrays.text_id(f.reply_text) for f in facts], dtype=np.int64).reshape(m), notes=[f.note for f in facts], kinds=[f.provokes for f in facts])
    for row, f in enumerate(facts):
        known = [arrays.act_index[a] for a in f.acts if a in arrays.act_index]
        table.acts[row, :len(known)] = known
        table.here[row, known] = True
        for slot, (skill, points) in enumerate(f.skills):
            table.skill_index[row, slot] = SKILL_INDEX[skill]
            table.skill_points[row, slot] = float(points)
    return table


@dataclass
class RubricRows:
    """The rubric state of n conversations. Points are summed in the order the evidence is
    produced, so row i holds exactly the numbers a one-row state fed the same turns holds."""

    credited: np.ndarray  # (n, width) bool: positive acts whose credit was given
    seen: np.ndarray  # (n, width) bool: acts used so far (what the reply really did)
    gained: np.ndarray  # (n, skills) float64: credit points counted
    raw: np.ndarray  # (n, skills) float64: start + every point so far
    apologies: np.ndarray  # (n,) int64
    fix_checked: np.ndarray  # (n,) bool
    close_checked: np.ndarray  # (n,) bool
    pending_turn: np.ndarray  # (n, slots) int64: refusals waiting for an alternative, oldest first; 0 = free
    pending_deadline: np.ndarray  # (n, slots) int64
    pending_reply: np.ndarray  # (n, slots) int64: reply-table row of the refusal (for evidence)
    critical_turn: np.ndarray  # (n,) int64: turn of the first critical act, 0 = none
    critical_act: np.ndarray  # (n,) int64
    provoked: np.ndarray  # (n,) int64: provocations met
    kept: np.ndarray  # (n,) float64: sum of the share of calm kept at each
    empathy_turns: np.ndarray  # (n,) int64 (persona empathy_loop)
    solution_seen: np.ndarray  # (n,) bool
    last_turn: np.ndarray  # (n,) int64
    last_reply: np.ndarray  # (n,) int64: reply-table row of the last reply, -1 = none
    finished: np.ndarray  # (n,) bool

    def __len__(self) -> int:
        return len(self.finished)

    def take(self, rows: np.ndarray) -> "RubricRows":
        """A new state with these rows (copies; `ndarray.take` gathers rows faster than indexing)."""
        return RubricRows(**{name: getattr(self, name).take(rows, axis=0) for name in ROW_FIELDS})

    def copy(self) -> "RubricRows":
        return RubricRows(**{name: getattr(self, name).copy() for name in ROW_FIELDS})

    def put(self, rows: np.ndarray, other: "RubricRows") -> None:
        """Write `other`'s rows into these rows."""
        for name in ROW_FIELDS:
            getattr(self, name)[rows] = getattr(other, name)


ROW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RubricRows))


def fresh_rows(arrays: RubricArrays, n: int, pending_slots: int) -> RubricRows:
    """n conversations nobody has scored yet. Turns and counts fit int16 (a conversation ends
    at the turn limit); text ids int32: the analyser keeps a row per prefix."""
    width, slots = max(arrays.width, 1), max(1, pending_slots)
    small, ids = np.int16, np.int32
    return RubricRows(
        credited=np.zeros((n, width), dtype=bool), seen=np.zeros((n, width), dtype=bool),
        gained=np.zeros((n, len(SKILLS))), raw=np.tile(arrays.starts, (n, 1)),
        apologies=np.zeros(n, dtype=small), fix_checked=np.zeros(n, dtype=bool),
        close_checked=np.zeros(n, dtype=bool), pending_turn=np.zeros((n, slots), dtype=small),
        pending_deadline=np.zeros((n, slots), dtype=small), pending_reply=np.full((n, slots), -1, dtype=ids),
        critical_turn=np.zeros(n, dtype=small), critical_act=np.zeros(n, dtype=ids),
        provoked=np.zeros(n, dtype=small), kept=np.zeros(n), empathy_turns=np.zeros(n, dtype=small),
        solution_seen=np.zeros(n, dtype=bool), last_turn=np.zeros(n, dtype=small),
        last_reply=np.full(n, -1, dtype=ids), finished=np.zeros(n, dtype=bool))


def row_bytes(arrays: RubricArrays, pending_slots: int) -> int:
    """Bytes of one row of rubric state."""
    one = fresh_rows(arrays, 1, pending_slots)
    return int(sum(getattr(one, name).nbytes for name in ROW_FIELDS))


def outcome_index(outcome: str | None) -> int:
    """OUTCOMES index, or NO_OUTCOME for an unfinished conversation."""
    return NO_OUTCOME if outcome is None else OUTCOMES.index(outcome)
