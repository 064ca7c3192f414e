"""The conversation state: everything that changes during a conversation, as arrays of n rows.

In the spirit of ink's `StoryState`, but shaped for many conversations at once: row k is one
conversation (where it is, the customer's mood, how often each act was used, whether the
grievance is still open, which nodes it has seen and when, the turn, the replies on screen
and the skill chances so far). `Session` is the n = 1 view of it; random play, the scored
search and the reachability sweep hold many rows. `batch_step.Stepper` is the one step
function that moves a state on by a turn.

The arrays index the scenario's nodes, endings and acts by position; `to_json` names them by
id (so a saved state survives edits to the scenario, as long as what it names still exists)
and `from_json` reads them back through a `StateLayout`, the id <-> position map of one
compiled scenario. The replies on screen are not stored: they follow from the rest and are
re-computed on loading (`Stepper.load`), which also re-checks them against today's file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Mapping

import numpy as np

from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import OUTCOMES, SKILLS

UNRESOLVED = "unresolved"
UNRESOLVED_INDEX = OUTCOMES.index(UNRESOLVED)
# Why a conversation ended: at an ending the author wrote, or because the engine stopped it.
BY_ENDING, NO_REPLY, TURN_LIMIT_HIT = 0, 1, 2
REASONS = ("ending", "no reply available", f"{TURN_LIMIT}-turn limit")
NOT_SEEN = -1  # `visited` value of a node the conversation has not entered

STATE_FORMAT = "customer-sim/state"
STATE_VERSION = 1


class StateError(ValueError):
    """A saved state that does not fit this scenario (names the field and the problem)."""


@dataclass(frozen=True, slots=True)
class StateLayout:
    """Which node, ending, act and mood dimension each array position stands for."""

    node_ids: tuple[str, ...]
    ending_ids: tuple[str, ...]
    dimensions: tuple[str, ...]
    acts: tuple[str, ...]  # `uses` has one more column: padding, always 0
    watched: tuple[str, ...]  # the node of each `visited` column
    max_replies: int


@dataclass(slots=True)
class ConversationState:
    """Conversation states, one per row. `loc` is the node on screen (or where the engine
    stopped); `ending` is -1 or the ending reached; `reply` is the reply index that led here
    (-1 at the opening) and `trigger` the trigger that redirected it (-1: none); `visited`
    holds the turn each watched node was first entered (NOT_SEEN: never); `chances` counts,
    per skill, the turns so far that offered a chance to show it and `screen_chances` what
    the screen now on offer adds."""

    loc: np.ndarray  # (n,) int32 index into StateLayout.node_ids
    mood: np.ndarray  # (n, dims) float64
    uses: np.ndarray  # (n, acts + 1) int16: times each act was used (last column: padding, always 0)
    grievance: np.ndarray  # (n,) bool: still open
    visited: np.ndarray  # (n, watched) int16: turn of first entry, NOT_SEEN if never
    depth: np.ndarray  # (n,) int16: turns taken
    ending: np.ndarray  # (n,) int32
    ended: np.ndarray  # (n,) bool
    reason: np.ndarray  # (n,) int8: BY_ENDING / NO_REPLY / TURN_LIMIT_HIT (when ended)
    outcome: np.ndarray  # (n,) int8 index into OUTCOMES (when ended)
    n_options: np.ndarray  # (n,) int16
    option_reply: np.ndarray  # (n, max_replies) int16: option -> reply index, -1 padding
    reply: np.ndarray  # (n,) int16
    trigger: np.ndarray  # (n,) int16
    screen_chances: np.ndarray  # (n, skills) int16
    chances: np.ndarray  # (n, skills) int16

    def take(self, rows: np.ndarray) -> "ConversationState":
        """A new state with the given rows (copies)."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        # `take` along axis 0 picks the same rows as indexing, several times faster for 2-d fields
        return ConversationState(**{name: getattr(self, name).take(rows, axis=0) for name in STATE_FIELDS})

    def copy(self) -> "ConversationState":
        return ConversationState(**{name: getattr(self, name).copy() for name in STATE_FIELDS})

    def __len__(self) -> int:
        return len(self.loc)

    @classmethod
    def empty(cls, n: int, layout: StateLayout) -> "ConversationState":
        """n rows at no node yet: nothing seen, nothing used, grievance open, nothing shown."""
        return cls(
            loc=np.zeros(n, dtype=np.int32), mood=np.zeros((n, len(layout.dimensions))),
            uses=np.zeros((n, len(layout.acts) + 1), dtype=np.int16), grievance=np.ones(n, dtype=bool),
            visited=np.full((n, max(1, len(layout.watched))), NOT_SEEN, dtype=np.int16),
            depth=np.zeros(n, dtype=np.int16), ending=np.full(n, -1, dtype=np.int32), ended=np.zeros(n, dtype=bool),
            reason=np.zeros(n, dtype=np.int8), outcome=np.zeros(n, dtype=np.int8),
            n_options=np.zeros(n, dtype=np.int16), option_reply=np.full((n, layout.max_replies), -1, dtype=np.int16),
            reply=np.full(n, -1, dtype=np.int16), trigger=np.full(n, -1, dtype=np.int16),
            screen_chances=np.zeros((n, len(SKILLS)), dtype=np.int16),
            chances=np.zeros((n, len(SKILLS)), dtype=np.int16))

    # ------------------------------------------------------------------ JSON
    def to_json(self, layout: StateLayout) -> dict[str, Any]:
        """Versioned JSON naming nodes, endings, acts, dimensions and skills by id. The replies
        on screen are left out: loading re-computes them (`Stepper.load`)."""
        rows = []
        for k in range(len(self)):
            ending = int(self.ending[k])
            rows.append({
                "node": layout.node_ids[int(self.loc[k])],
                "ending": layout.ending_ids[ending] if ending >= 0 else None,
                "ended": bool(self.ended[k]),
                "reason": REASONS[int(self.reason[k])] if self.ended[k] else None,
                "outcome": OUTCOMES[int(self.outcome[k])] if self.ended[k] else None,
                "turn": int(self.depth[k]),
                "mood": {dim: float(v) for dim, v in zip(layout.dimensions, self.mood[k].tolist())},
                "act_uses": {act: int(n) for act, n in zip(layout.acts, self.uses[k].tolist()) if n},
                "grievance_open": bool(self.grievance[k]),
                "visited": {node: int(t) for node, t in zip(layout.watched, self.visited[k].tolist())
                            if t != NOT_SEEN},
                "reply": int(self.reply[k]),
                "trigger": int(self.trigger[k]),
                "chances": {skill: int(n) for skill, n in zip(SKILLS, self.chances[k].tolist())},
            })
        return {"format": STATE_FORMAT, "version": STATE_VERSION, "rows": rows}

    @classmethod
    def from_json(cls, layout: StateLayout, data: Any) -> "ConversationState":
        """Read `to_json` output back (the replies on screen left empty; see `Stepper.load`).
        StateError names the bad field."""
        if not isinstance(data, Mapping) or data.get("format") != STATE_FORMAT:
            raise StateError(f"not a conversation state: expected a mapping with format {STATE_FORMAT!r}")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= STATE_VERSION:
            raise StateError(f"conversation state version {version!r} is not one this simulator reads "
                             f"(1 to {STATE_VERSION}); update the simulator to load a newer one")
        rows = data.get("rows")
        if not isinstance(rows, list):
            raise StateError("conversation state 'rows' must be a list")
        state = cls.empty(len(rows), layout)
        nodes = {node: i for i, node in enumerate(layout.node_ids)}
        endings = {ending: i for i, ending in enumerate(layout.ending_ids)}
        acts = {act: i for i, act in enumerate(layout.acts)}
        columns = {node: i for i, node in enumerate(layout.watched)}
        for k, row in enumerate(rows):
            where = f"rows[{k}]"
            try:
                state.loc[k] = _known(nodes, row["node"], f"{where}.node", "node")
                ending = row["ending"]
                state.ending[k] = -1 if ending is None else _known(endings, ending, f"{where}.ending", "ending")
                state.ended[k] = _typed(row["ended"], bool, f"{where}.ended")
                if state.ended[k]:
                    state.reason[k] = _known({r: i for i, r in enumerate(REASONS)}, row["reason"],
                                             f"{where}.reason", "reason")
                    state.outcome[k] = _known({o: i for i, o in enumerate(OUTCOMES)}, row["outcome"],
                                              f"{where}.outcome", "outcome")
                state.depth[k] = _count(row["turn"], f"{where}.turn", 0, TURN_LIMIT)
                mood = _typed(row["mood"], dict, f"{where}.mood")
                missing = [dim for dim in layout.dimensions if dim not in mood]
                if missing:
                    raise StateError(f"{where}.mood lacks {', '.join(missing)}")
                state.mood[k] = [_finite(mood[dim], f"{where}.mood.{dim}") for dim in layout.dimensions]
                for act, n in _typed(row["act_uses"], dict, f"{where}.act_uses").items():
                    state.uses[k, _known(acts, act, f"{where}.act_uses", "act")] = _count(n, f"{where}.act_uses.{act}")
                state.grievance[k] = _typed(row["grievance_open"], bool, f"{where}.grievance_open")
                for node, turn in _typed(row["visited"], dict, f"{where}.visited").items():
                    if node in columns:  # a node nothing asks about any more is simply not tracked
                        state.visited[k, columns[node]] = _count(turn, f"{where}.visited.{node}", 0, TURN_LIMIT)
                state.reply[k] = _count(row["reply"], f"{where}.reply", -1)
                state.trigger[k] = _count(row["trigger"], f"{where}.trigger", -1)
                chances = _typed(row["chances"], dict, f"{where}.chances")
                state.chances[k] = [_count(chances.get(skill, 0), f"{where}.chances.{skill}") for skill in SKILLS]
            except KeyError as missing:
                raise StateError(f"{where} is missing key {missing}") from None
            except TypeError:
                raise StateError(f"{where} must be a mapping") from None
        return state


STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ConversationState))


def _typed(value: Any, kind, where: str):
    if isinstance(value, bool) and kind is not bool:
        raise StateError(f"{where}: expected a number, got {value!r}")
    if not isinstance(value, kind):
        raise StateError(f"{where}: unexpected {value!r}")
    return value


def _count(value: Any, where: str, low: int = 0, high: int = np.iinfo(np.int16).max) -> int:
    """A whole number the int16 arrays can hold, in low..high (a hostile file's 10**30 is an
    error naming the field, not an OverflowError from numpy)."""
    value = _typed(value, int, where)
    if not low <= value <= high:
        raise StateError(f"{where}: {value} is out of range ({low} to {high})")
    return value


def _finite(value: Any, where: str) -> float:
    value = float(_typed(value, (int, float), where))
    if not math.isfinite(value):
        raise StateError(f"{where}: expected a finite number, got {value!r}")
    return value


def _known(index: Mapping[str, int], name: Any, where: str, what: str) -> int:
    if name not in index:
        raise StateError(f"{where}: {name!r} is not a known {what} of this scenario")
    return index[name]
