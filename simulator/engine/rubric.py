"""The rubric: five skills scored 0-100 from per-turn evidence, a weighted overall and a grade.

All numbers and act lists come from `scenarios/data/rubric.yaml` (parsed into
`Catalog.rubric`); this module only knows the *kinds* of rule. Every point gained or lost
is an `Evidence` naming its turn, skill, rule and reply, so the debrief can explain the
score line by line. A skill's score is

    min(100, start + credit points) + penalty points, floored at 0

so good moves fill a skill but never buy back a mistake. Credit points are handed out in
turn order and stop at the cap; the evidence records the points that actually counted.

`RubricTracker` scores a conversation as it happens (the session feeds it one turn at a
time); `Rubric.score` is the same thing as a pure function over a finished list of turns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from simulator.engine.rubric_schema import rubric_problems
from simulator.scenario.catalog_model import Act, Catalog
from simulator.scenario.model import SKILLS

__all__ = ["Evidence", "Rubric", "RubricError", "RubricTracker", "Scorecard", "TurnFacts", "compile_rubric",
           "rubric_problems", "score_turns"]

class RubricError(ValueError):
    """rubric.yaml does not describe a usable rubric; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a skill gained or lost points, tied to the turn where it happened."""

    turn: int  # 1-based turn the behaviour happened in
    skill: str
    points: float  # the points that actually counted (credits stop at the skill's cap; a kept
    #                order rule whose skill was already full is still listed, with 0 points)
    rule: str  # "credit:<act>", "penalty:<act>", "reply_skills", or an order-rule id
    message: str
    reply_text: str = ""

    def as_json(self) -> dict:
        return {"turn": self.turn, "skill": self.skill, "points": self.points, "rule": self.rule,
                "message": self.message, "reply": self.reply_text}


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What the rubric needs to know about one reply."""

    turn: int
    acts: tuple[str, ...]
    reply_text: str = ""
    skills: tuple[tuple[str, float], ...] = ()  # the reply's explicit `skills:` points
    note: str = ""
    ends: bool = False  # this reply ended the conversation


@dataclass(frozen=True, slots=True)
class Scorecard:
    skills: Mapping[str, int]
    overall: float  # 0..100, one decimal, after caps
    grade: str
    passed: bool
    evidence: tuple[Evidence, ...]
    caps: tuple[str, ...]  # human-readable: which caps applied and why
    uncapped_overall: float


def _round_half_up(value: float, digits: int = 0) -> float:
    scale = 10 ** digits
    return math.floor(value * scale + 0.5) / scale


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
        for letter, lowest in self.grades:
            if overall >= lowest:
                return letter
        return self.grades[-1][0]

    def passes(self, overall: float) -> bool:
        return overall >= dict(self.grades)[self.pass_grade]


def compile_rubric(catalog: Catalog) -> Rubric:
    """Check and index the catalog's rubric; raises RubricError listing every problem."""
    data = catalog.rubric
    problems = rubric_problems(data, catalog.acts)
    if problems:
        raise RubricError("rubric.yaml has problems:\n  " + "\n  ".join(problems))
    skills = data["skills"]
    credit_table = data.get("credit", {})
    penalty_table = data.get("penalty", {})
    credits = {a.id: float(credit_table.get(a.id, credit_table.get("default", 1)))
               for a in catalog.acts.values() if a.polarity == "positive"}
    penalties = {a.id: -abs(float(penalty_table.get(a.id, penalty_table.get("default", -20))))
                 for a in catalog.acts.values() if a.polarity == "negative"}
    caps = data.get("caps", {})
    return Rubric(
        acts=catalog.acts,
        weights={s: float(skills[s]["weight"]) for s in SKILLS},
        targets={s: (float(skills[s]["target"]) if "target" in skills[s] else None) for s in SKILLS},
        starts={s: float(skills[s].get("start", 0)) for s in SKILLS},
        labels={s: str(skills[s].get("label", s)) for s in SKILLS},
        grades=tuple((str(k), float(v)) for k, v in data["grades"].items()),
        pass_grade=str(data["pass_grade"]),
        credits=credits,
        penalties=penalties,
        rules={k: dict(v) for k, v in data.get("rules", {}).items()},
        critical_cap=caps.get("critical_act"),
        outcome_caps=dict(caps.get("outcomes", {})),
    )


# ----------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class _Pending:
    """A refusal still waiting for its alternative (offer two roads)."""

    turn: int
    deadline: int
    reply_text: str


@dataclass(slots=True)
class RubricTracker:
    """Scores one conversation turn by turn. Feed `add_turn` in order, then `finish`."""

    rubric: Rubric
    evidence: list[Evidence] = field(default_factory=list)
    credited: set[str] = field(default_factory=set)  # acts whose credit was already given
    seen: set[str] = field(default_factory=set)  # every act used so far
    gained: dict[str, float] = field(default_factory=dict)  # credit points counted per skill
    apologies: int = 0
    fix_checked: bool = False
    close_checked: bool = False
    pending: list[_Pending] = field(default_factory=list)
    critical: list[tuple[int, str]] = field(default_factory=list)  # (turn, act)
    last_turn: int = 0
    last_text: str = ""
    finished: bool = False

    # -- evidence helpers
    def _credit(self, out: list[Evidence], turn: int, skill: str, units: float, rule: str,
                message: str, text: str, keep_zero: bool = False) -> None:
        target = self.rubric.targets[skill]
        if target is None or units <= 0:
            if keep_zero:
                out.append(Evidence(turn, skill, 0.0, rule, message, text))
            return
        self._gain(out, turn, skill, 100.0 * units / target, rule, message, text, keep_zero)

    def _gain(self, out: list[Evidence], turn: int, skill: str, points: float, rule: str,
              message: str, text: str, keep_zero: bool = False) -> None:
        room = 100.0 - self.rubric.starts[skill] - self.gained.get(skill, 0.0)
        counted = min(points, max(room, 0.0))
        if counted <= 0:
            # the skill is already full; a kept order rule is still worth showing in the debrief
            if keep_zero:
                out.append(Evidence(turn, skill, 0.0, rule, message, text))
            return
        self.gained[skill] = self.gained.get(skill, 0.0) + counted
        out.append(Evidence(turn, skill, counted, rule, message, text))

    @staticmethod
    def _lose(out: list[Evidence], turn: int, skill: str, points: float, rule: str, message: str,
              text: str) -> None:
        if points < 0:
            out.append(Evidence(turn, skill, float(points), rule, message, text))

    def add_turn(self, facts: TurnFacts) -> list[Evidence]:
        """Score one reply; returns the evidence this turn produced (some may name earlier turns)."""
        if self.finished:
            raise RuntimeError("add_turn() after finish(): the conversation was already scored")
        out: list[Evidence] = []
        rubric, rules = self.rubric, self.rubric.rules
        turn, text, acts = facts.turn, facts.reply_text, facts.acts
        here = set(acts)

        # acts: credit once per positive act, every negative act costs
        for act_id in acts:
            act = rubric.acts.get(act_id)
            if act is None or act.skill is None:
                continue
            if act.polarity == "positive" and act_id not in self.credited:
                self.credited.add(act_id)
                self._credit(out, turn, act.skill, rubric.credits.get(act_id, 0.0), f"credit:{act_id}",
                             f"{act.label}.", text)
            elif act.polarity == "negative":
                self._lose(out, turn, act.skill, rubric.penalties.get(act_id, 0.0), f"penalty:{act_id}",
                           f"{act.label}: {act.lesson}", text)
            if act.critical:
                self.critical.append((turn, act_id))

        # the reply's explicit skill points
        for skill, points in facts.skills:
            message = facts.note or "Extra points the scenario gives for this reply."
            if points > 0:
                self._gain(out, turn, skill, float(points), "reply_skills", message, text)
            else:
                self._lose(out, turn, skill, float(points), "reply_skills", message, text)

        # feel before fix / listen before solve: judged at the first fix
        for rule_id, before_key in (("feel_before_fix", "feel_acts"), ("listen_before_solve", "listen_acts")):
            spec = rules.get(rule_id)
            if spec is None or self.fix_checked or not here & set(spec.get("fix_acts", ())):
                continue
            before = set(spec.get(before_key, ()))
            if (self.seen | here) & before:
                self._credit(out, turn, spec["skill"], float(spec.get("credit", 0)), rule_id,
                             spec.get("met", rule_id), text, keep_zero="met" in spec)
            else:
                self._lose(out, turn, spec["skill"], float(spec.get("points", 0)), rule_id,
                           spec.get("broken", rule_id), text)
        if any(here & set(rules.get(r, {}).get("fix_acts", ())) for r in ("feel_before_fix", "listen_before_solve")):
            self.fix_checked = True

        # one sorry, then solve
        spec = rules.get("one_sorry")
        if spec is not None:
            apology_acts = set(spec.get("apology_acts", ()))
            for act_id in acts:
                if act_id in apology_acts:
                    self.apologies += 1
                    if self.apologies > int(spec.get("limit", 2)):
                        message = spec.get("broken", "Too many apologies.").replace("{count}", str(self.apologies))
                        self._lose(out, turn, spec["skill"], float(spec.get("points", 0)), "one_sorry", message, text)

        # offer two roads: a refusal needs an alternative in this reply or within `window` replies
        spec = rules.get("two_roads")
        if spec is not None:
            alternatives = set(spec.get("alternative_acts", ()))
            if here & alternatives:
                for waiting in self.pending:
                    self._credit(out, waiting.turn, spec["skill"], float(spec.get("credit", 0)), "two_roads",
                                 spec.get("met", "two_roads"), waiting.reply_text, keep_zero="met" in spec)
                self.pending.clear()
            else:
                still = []
                for waiting in self.pending:
                    if turn >= waiting.deadline:
                        self._lose(out, waiting.turn, spec["skill"], float(spec.get("points", 0)), "two_roads",
                                   spec.get("broken", "two_roads"), waiting.reply_text)
                    else:
                        still.append(waiting)
                self.pending = still
            if here & set(spec.get("refusal_acts", ())):
                if here & alternatives:
                    self._credit(out, turn, spec["skill"], float(spec.get("credit", 0)), "two_roads",
                                 spec.get("met", "two_roads"), text, keep_zero="met" in spec)
                else:
                    self.pending.append(_Pending(turn, turn + int(spec.get("window", 1)), text))

        # recap, check, close: judged at the first closing reply
        spec = rules.get("recap_check_close")
        if spec is not None and not self.close_checked:
            closing = here & set(spec.get("close_acts", ()))
            if facts.ends:
                closing |= here & set(spec.get("final_close_acts", ()))
            if closing:
                self.close_checked = True
                so_far = self.seen | here
                recapped = bool(so_far & set(spec.get("recap_acts", ())))
                checked = bool(so_far & set(spec.get("check_acts", ())))
                if recapped and checked:
                    self._credit(out, turn, spec["skill"], float(spec.get("credit", 0)), "recap_check_close",
                                 spec.get("met", "recap_check_close"), text, keep_zero="met" in spec)
                if not recapped:
                    self._lose(out, turn, spec["skill"], float(spec.get("points", 0)), "recap_check_close",
                               spec.get("no_recap", "Closed without a recap."), text)
                if not checked:
                    self._lose(out, turn, spec["skill"], float(spec.get("points", 0)), "recap_check_close",
                               spec.get("no_check", "Closed without checking for anything else."), text)

        self.seen |= here
        self.last_turn, self.last_text = turn, text
        self.evidence.extend(out)
        return out

    def finish(self, outcome: str) -> list[Evidence]:
        """Apply the rules that need the ending; returns the evidence they produced."""
        if self.finished:
            return []
        self.finished = True
        out: list[Evidence] = []
        rules = self.rubric.rules
        spec = rules.get("two_roads")
        if spec is not None:
            for waiting in self.pending:
                self._lose(out, waiting.turn, spec["skill"], float(spec.get("points", 0)), "two_roads",
                           spec.get("broken", "two_roads"), waiting.reply_text)
            self.pending.clear()
        spec = rules.get("recap_before_end")
        if spec is not None and outcome in spec.get("outcomes", ()) and not self.seen & set(spec.get("recap_acts", ())):
            self._lose(out, self.last_turn, spec["skill"], float(spec.get("points", 0)), "recap_before_end",
                       spec.get("broken", "recap_before_end"), self.last_text)
        self.evidence.extend(out)
        return out

    def scorecard(self, outcome: str | None) -> Scorecard:
        """Skills, overall, grade and caps from the evidence so far (outcome None: in progress)."""
        rubric = self.rubric
        raw = {s: rubric.starts[s] for s in SKILLS}
        for item in self.evidence:
            raw[item.skill] += item.points
        skills = {s: int(_round_half_up(min(100.0, max(0.0, raw[s])))) for s in SKILLS}
        total_weight = sum(rubric.weights.values())
        weighted = sum(rubric.weights[s] * skills[s] for s in SKILLS) / total_weight
        uncapped = _round_half_up(weighted, 1)
        overall, caps = uncapped, []
        if self.critical and rubric.critical_cap is not None:
            turn, act_id = self.critical[0]
            limit = float(rubric.critical_cap["max_overall"])
            label = rubric.acts[act_id].label if act_id in rubric.acts else act_id
            caps.append(str(rubric.critical_cap.get("message", "Critical act caps the overall at {max}."))
                        .replace("{act}", label).replace("{turn}", str(turn)).replace("{max}", f"{limit:g}"))
            overall = min(overall, limit)
        if outcome is not None and outcome in rubric.outcome_caps:
            spec = rubric.outcome_caps[outcome]
            limit = float(spec["max_overall"])
            caps.append(str(spec.get("message", "The outcome caps the overall at {max}.")).replace("{max}", f"{limit:g}"))
            overall = min(overall, limit)
        ordered = tuple(sorted(self.evidence, key=lambda e: e.turn))  # stable: emission order within a turn
        return Scorecard(skills=skills, overall=overall, grade=rubric.grade_for(overall),
                         passed=rubric.passes(overall), evidence=ordered, caps=tuple(caps),
                         uncapped_overall=uncapped)


def score_turns(rubric: Rubric, turns: Sequence[TurnFacts], outcome: str | None) -> Scorecard:
    """Pure-function form of scoring, for the analyser and tests."""
    return rubric.score(turns, outcome)
