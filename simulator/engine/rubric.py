"""The rubric: five skills scored 0-100 from per-turn evidence, a weighted overall and a grade.

All numbers and act lists come from `scenarios/data/rubric.yaml` (parsed into
`Catalog.rubric`); this module only knows the *kinds* of rule. Every point gained or lost
is an `Evidence` naming its turn, skill, rule and reply, so the debrief can explain the
score line by line. A skill's score is

    min(100, start + credit points) + penalty points, floored at 0

so good moves fill a skill but never buy back a mistake. Credit points are handed out in
turn order and stop at the cap; the evidence records the points that actually counted.

Beyond the order rules, the tracker knows three things about the conversation it scores:
the node's `provokes:` tags (calm is scored by how each provocation is answered), whether
the reply's hand-off is marked right (`hand_off_right`), and - compiled in per scenario -
the customer's persona (personas.yaml `scoring:` rules) and whether a resolution was
reachable at all (an avoidable escalation caps the grade). A reply with any negative act
earns nothing from its positive acts (rule `mixed_reply`), and no skill may end below the
rubric's `floor` for a pass.

`RubricTracker` scores a conversation as it happens (the session feeds it one turn at a
time); `Rubric.score` is the same thing as a pure function over a finished list of turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import numpy as np

# the values are defined with the facts; imported here so callers keep one import
from simulator.engine.rubric_facts import Evidence, Scorecard, TurnFacts, reply_facts, resolution_reachable
from simulator.engine.rubric_schema import rubric_problems
from simulator.engine.rubric_rows import (NO_OUTCOME, RubricArrays, RubricRows, ReplyTable, fresh_rows, outcome_index,
                                          reply_table)
from simulator.engine.rubric_rules import grade_index, score_finish, score_turn, totals
from simulator.scenario.catalog_model import Act, Catalog
from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import OUTCOMES, SKILLS
from simulator.scenario.rubric_terms import passing_letters

__all__ = ["Evidence", "Rubric", "RubricError", "RubricTracker", "Scorecard", "TurnFacts", "compile_rubric",
           "reply_facts", "resolution_reachable", "rubric_problems"]
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class RubricError(ValueError):
    """rubric.yaml does not describe a usable rubric; the message lists every problem."""


# ----------------------------------------------------------------------------- the compiled rubric


@dataclass(frozen=True, slots=True, eq=False)
class Rubric:
    """rubric.yaml checked and indexed for fast scoring."""

    acts: Mapping[str, Act]
    weights: Mapping[str, float]
    targets: Mapping[str, float | None]
    starts: Mapping[str, float]
    labels: Mapping[str, str]
    grades: tuple[tuple[str, float], ...]  # best first
    pass_grade: str
    credits: Mapping[str, float]  # positive act -> credit units
    penalties: Mapping[str, float]  # negative act -> points (<= 0)
    rules: Mapping[str, Mapping[str, Any]]
    critical_cap: Mapping[str, Any] | None
    outcome_caps: Mapping[str, Mapping[str, Any]]
    floor: float | None = None  # no pass with any skill below this
    floor_cap: Mapping[str, Any] | None = None
    escalation_cap: Mapping[str, Any] | None = None  # escalated although a resolution was reachable
    persona: str = ""  # the customer's persona this rubric was compiled for ("" = none)
    persona_rules: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)  # personas.yaml `scoring:` of that persona
    resolution_reachable: bool = False
    arrays: RubricArrays | None = None  # the numbers and act lists as arrays (built by compile_rubric)
    pending_slots: int = 1  # refusals that can wait for an alternative at once (two_roads window + 1)
    _tables: dict = field(default_factory=dict)  # one-reply tables the session's tracker reuses

    def table_for(self, facts: TurnFacts) -> ReplyTable:
        """The one-row reply table of these facts (cached: a session meets the same replies again)."""
        key = (facts.acts, facts.reply_text, facts.skills, facts.note, facts.provokes, facts.hand_off_right)
        table = self._tables.get(key)
        if table is None:
            if len(self._tables) > 4096:  # a long-lived rubric re-scoring many records: stay bounded
                self._tables.clear()
            table = self._tables[key] = reply_table(self.arrays, [facts])
        return table

    def tracker(self) -> "RubricTracker":
        """A fresh tracker for one conversation."""
        return RubricTracker(self)

    def score(self, turns: Iterable[TurnFacts], outcome: str | None) -> Scorecard:
        """Score a whole conversation at once (outcome None: not finished, no ending rules)."""
        tracker = self.tracker()
        for facts in turns:
            tracker.add_turn(facts)
        if outcome is None:
            return tracker.scorecard(None)
        tracker.finish(outcome)
        return tracker.scorecard(outcome)

    def grade_for(self, overall: float) -> str:
        """The grade letter of an overall score (the same rule `totals` applies to rows)."""
        return self.grades[int(grade_index(self, np.array([overall], dtype=np.float64))[0])][0]

    @property
    def pass_mark(self) -> float:
        """The lowest overall of the pass grade."""
        return dict(self.grades)[self.pass_grade]

    @property
    def passing_letters(self) -> tuple[str, ...]:
        """The grade letters at or above the pass grade, best first."""
        return passing_letters([letter for letter, _ in self.grades], self.pass_grade)

    def passes(self, overall: float) -> bool:
        return overall >= self.pass_mark


def compile_rubric(catalog: Catalog, persona: str = "", *, resolution_reachable: bool = False) -> Rubric:
    """Check and index the catalog's rubric for one customer `persona` (its personas.yaml
    `scoring:` rules apply; "" = none) and a scenario where a resolution is, or is not,
    reachable. Raises RubricError listing every problem."""
    data = catalog.rubric
    problems = rubric_problems(data, catalog.acts)
    if persona and persona not in catalog.personas:
        problems.append(f"persona {persona!r} is not in personas.yaml")
    if problems:
        raise RubricError("rubric.yaml has problems:\n  " + "\n  ".join(problems))
    scoring = catalog.personas[persona].scoring if persona else _EMPTY
    skills = data["skills"]
    credit_table = data.get("credit", {})
    penalty_table = data.get("penalty", {})
    credits = {a.id: float(credit_table.get(a.id, credit_table.get("default", 1)))
               for a in catalog.acts.values() if a.polarity == "positive"}
    penalties = {a.id: -abs(float(penalty_table.get(a.id, penalty_table.get("default", -20))))
                 for a in catalog.acts.values() if a.polarity == "negative"}
    caps = data.get("caps", {})
    weights = {s: float(skills[s]["weight"]) for s in SKILLS}
    targets = {s: (float(skills[s]["target"]) if "target" in skills[s] else None) for s in SKILLS}
    starts = {s: float(skills[s].get("start", 0)) for s in SKILLS}
    return Rubric(
        acts=catalog.acts,
        weights=weights,
        targets=targets,
        starts=starts,
        labels={s: str(skills[s].get("label", s)) for s in SKILLS},
        grades=tuple((str(k), float(v)) for k, v in data["grades"].items()),
        pass_grade=str(data["pass_grade"]),
        credits=credits,
        penalties=penalties,
        rules={k: dict(v) for k, v in data.get("rules", {}).items()},
        critical_cap=caps.get("critical_act"),
        outcome_caps=dict(caps.get("outcomes", {})),
        floor=float(data["floor"]) if "floor" in data else None,
        floor_cap=caps.get("below_floor"),
        escalation_cap=caps.get("avoidable_escalation"),
        persona=persona,
        persona_rules=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in scoring.items()}),
        resolution_reachable=resolution_reachable,
        arrays=RubricArrays(catalog.acts, credits, penalties, starts, targets, weights),
        pending_slots=int(data.get("rules", {}).get("two_roads", {}).get("window", 1)) + 1,
    )


# ----------------------------------------------------------------------------- scoring


class RubricTracker:
    """Scores one conversation turn by turn: the n = 1 view of `rubric_rows.RubricRows`,
    scored by the same rule units as the analyser's many rows, with the evidence written.
    Feed `add_turn` in order, then `finish`."""

    __slots__ = ("rubric", "rows", "evidence")

    def __init__(self, rubric: Rubric, rows: RubricRows | None = None, evidence: list[Evidence] | None = None) -> None:
        self.rubric = rubric
        self.rows = rows if rows is not None else fresh_rows(rubric.arrays, 1, rubric.pending_slots)
        self.evidence: list[Evidence] = evidence if evidence is not None else []

    def copy(self) -> "RubricTracker":
        """A copy that can go on scoring without touching this one."""
        return RubricTracker(self.rubric, self.rows.copy(), self.evidence.copy())

    @property
    def finished(self) -> bool:
        return bool(self.rows.finished[0])

    @property
    def raw(self) -> dict[str, float]:
        """Start + every point so far, per skill."""
        return {s: float(v) for s, v in zip(SKILLS, self.rows.raw[0].tolist())}

    def add_turn(self, facts: TurnFacts) -> list[Evidence]:
        """Score one reply; returns the evidence this turn produced (some may name earlier turns)."""
        if self.finished:
            raise RuntimeError("add_turn() after finish(): the conversation was already scored")
        return self.add_reply(self.rubric.table_for(facts), facts.turn, facts.ends)

    def add_reply(self, table: ReplyTable, turn: int, ends: bool) -> list[Evidence]:
        """`add_turn` of the reply in a one-row `Rubric.table_for` table, picked at `turn`
        (`ends`: it ended the conversation); a caller that keeps the table skips making it."""
        if self.finished:
            raise RuntimeError("add_turn() after finish(): the conversation was already scored")
        out: list[Evidence] = []
        turns = _TURNS[turn] if 0 <= turn < len(_TURNS) else np.array([turn], dtype=np.int64)
        score_turn(self.rubric, self.rows, table, _ZERO, turns, _ENDS[bool(ends)], out)
        self.evidence.extend(out)
        return out

    def finish(self, outcome: str) -> list[Evidence]:
        """Apply the rules that need the ending; returns the evidence they produced."""
        if self.finished:
            return []
        out: list[Evidence] = []
        score_finish(self.rubric, self.rows, _OUTCOMES[outcome_index(outcome)], out)
        self.evidence.extend(out)
        return out

    def totals(self, outcome: str | None) -> tuple[float, str, dict[str, int]]:
        """(overall, grade, skills) exactly as `scorecard(outcome)` has them, without the
        evidence list and the caps' messages."""
        overall, _, grade, skills, _ = totals(self.rubric, self.rows, np.array([outcome_index(outcome)]))
        return (float(overall[0]), self.rubric.grades[int(grade[0])][0],
                {s: int(v) for s, v in zip(SKILLS, skills[0].tolist())})

    def scorecard(self, outcome: str | None) -> Scorecard:
        """Skills, overall, grade and caps from the evidence so far (outcome None: in progress)."""
        rubric = self.rubric
        caps: list[str] = []
        overall, uncapped, grade, skills, held = totals(rubric, self.rows, np.array([outcome_index(outcome)]), caps)
        held_back = tuple(s for s, on in zip(SKILLS, held[0].tolist()) if on)
        ordered = tuple(sorted(self.evidence, key=lambda e: e.turn))  # stable: emission order within a turn
        value = float(overall[0])
        return Scorecard(skills={s: int(v) for s, v in zip(SKILLS, skills[0].tolist())}, overall=value,
                         grade=rubric.grades[int(grade[0])][0], passed=rubric.passes(value) and not held_back,
                         evidence=ordered, caps=tuple(caps), uncapped_overall=float(uncapped[0]),
                         held_back_by=held_back)


_ZERO = np.zeros(1, dtype=np.int64)
# a one-row turn number and ends flag, made once (read-only: the rules only read them)
_TURNS = tuple(np.full(1, turn, dtype=np.int64) for turn in range(TURN_LIMIT + 2))
_ENDS = (np.zeros(1, dtype=bool), np.ones(1, dtype=bool))
# and a one-row outcome index per outcome (NO_OUTCOME, -1, is the last)
_OUTCOMES = tuple(np.full(1, index, dtype=np.int64) for index in (*range(len(OUTCOMES)), NO_OUTCOME))
for _array in (_ZERO, *_TURNS, *_ENDS, *_OUTCOMES):
    _array.flags.writeable = False
