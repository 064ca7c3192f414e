"""What the progress screen shows: grades per scenario, skill trends, what to practise next.

`load_progress(store, profile)` is the one call the screen makes; it reads summaries and
the evidence of the last few attempts only, so it stays fast with thousands of attempts
(see bench/records.py). Re-scoring changed scenarios lives in `rescore.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.records.store import Attempt, ScenarioGrades, Store, clean_profile_name
from simulator.scenario.rubric_terms import SKILLS, rubric_terms

# A change smaller than this (in points, mean of the last 3 vs the 3 before) is "steady".
TREND_MARGIN = 5.0


@dataclass(frozen=True, slots=True)
class TrendPoint:
    attempt_id: int
    finished_at: str
    scenario_id: str
    score: float


@dataclass(frozen=True, slots=True)
class SkillTrend:
    """One skill's scores over finished attempts, oldest first (for the trend chart)."""

    skill: str
    label: str
    points: tuple[TrendPoint, ...]
    direction: str  # "improving" | "steady" | "slipping" | "new" (fewer than 2 attempts)

    @property
    def latest(self) -> float | None:
        return self.points[-1].score if self.points else None


@dataclass(frozen=True, slots=True)
class FocusAdvice:
    """The skill to practise next and the rule behind most of the lost points."""

    skill: str
    label: str
    average_shortfall: float  # mean points below 100 over the recent attempts
    rule: str | None  # the act or rule id most often costing points on that skill
    rule_label: str  # the same in words ("Interrupt", "feel before fix")
    rule_count: int  # how many times it cost points in those attempts
    lesson: str  # what to do instead: the act's lesson (acts.yaml), else the skill's advice (rubric.yaml)
    attempts_considered: int

    @property
    def message(self) -> str:
        text = f"Focus on {self.label.lower()}: on average {self.average_shortfall:.0f} points short " \
               f"over your last {self.attempts_considered} attempt{'s' if self.attempts_considered != 1 else ''}."
        if self.rule:
            text += f" Most often ({self.rule_count}×): {self.rule_label}."
        if self.lesson:
            text += f" {self.lesson}"
        return text


@dataclass(frozen=True, slots=True)
class Progress:
    profile: str
    attempts: int
    finished: int
    scenarios: tuple[ScenarioGrades, ...]  # sorted by scenario id
    trends: Mapping[str, SkillTrend]  # skill -> trend, in SKILLS order
    focus: FocusAdvice | None  # None until an attempt has been finished


def load_progress(store: Store, profile: str, *, recent: int = 10, trend_length: int = 30,
                  catalog: Any = None) -> Progress:
    """Everything the progress screen needs for `profile`. `catalog` (optional) supplies
    skill labels and act lessons for the advice text."""
    profile = clean_profile_name(profile)
    grades = store.grades(profile)
    finished = store.history(profile, status="finished", limit=trend_length)[::-1]  # last N, oldest first
    labels = _skill_labels(catalog)
    trends = {skill: _trend(skill, labels[skill], finished) for skill in SKILLS}
    latest = store.history(profile, status="finished", limit=recent, full=True)
    focus = focus_from_evidence([(a.skills, list(a.evidence or ())) for a in latest], catalog=catalog)
    return Progress(profile=profile, attempts=sum(g.attempts for g in grades.values()),
                    finished=sum(g.finished for g in grades.values()),
                    scenarios=tuple(grades[k] for k in sorted(grades)), trends=trends, focus=focus)


def _trend(skill: str, label: str, attempts: list[Attempt]) -> SkillTrend:
    points = []
    for attempt in attempts:
        score = _number(attempt.skills.get(skill))
        if score is not None:
            points.append(TrendPoint(attempt.id, attempt.finished_at or "", attempt.scenario_id, score))
    return SkillTrend(skill, label, tuple(points), trend_direction([p.score for p in points]))


def trend_direction(scores: list[float]) -> str:
    """Compare the mean of the last three scores with the three before them."""
    if len(scores) < 2:
        return "new"
    window = min(3, len(scores) // 2)
    recent = sum(scores[-window:]) / window
    before = sum(scores[-2 * window:-window]) / window
    if recent - before > TREND_MARGIN:
        return "improving"
    if before - recent > TREND_MARGIN:
        return "slipping"
    return "steady"


def focus_from_evidence(attempts: list[tuple[Mapping, list]], *, catalog: Any = None) -> FocusAdvice | None:
    """Pick the skill to practise from (skills, evidence) of recent finished attempts.

    The skill is the one furthest below 100 on average (ties: the one that lost most points
    to mistakes, then rubric order); the rule is the act or rule that most often cost points
    on that skill in the same attempts, so the advice names a concrete habit, not a number."""
    scored = [(skills, evidence) for skills, evidence in attempts if isinstance(skills, Mapping) and skills]
    if not scored:
        return None
    shortfall: dict[str, float] = {}
    for skill in SKILLS:
        values = [_number(skills.get(skill)) for skills, _ in scored]
        values = [v for v in values if v is not None]
        if values:
            shortfall[skill] = sum(100.0 - v for v in values) / len(values)
    if not shortfall:
        return None
    lost: dict[str, float] = dict.fromkeys(SKILLS, 0.0)  # penalty points per skill
    touched: dict[str, Counter[str]] = {skill: Counter() for skill in SKILLS}
    rule_cost: Counter[str] = Counter()
    for _, evidence in scored:
        for item in evidence if isinstance(evidence, list) else ():
            points = _number(_points(item)) if isinstance(item, Mapping) else None
            if points is not None and points < 0 and item.get("skill") in lost:
                lost[item["skill"]] -= points
                touched[item["skill"]][evidence_rule(item)] += 1
                rule_cost[evidence_rule(item)] -= points
    # Furthest below 100 first; on a tie the skill where mistakes (not just missed credit)
    # cost most, then rubric order, so the advice is stable.
    skill = max(SKILLS, key=lambda s: (round(shortfall.get(s, -1.0), 6), lost[s], -SKILLS.index(s)))
    # The habit: touched most often; on a tie, the one that cost more points, then by name.
    ranked = sorted(touched[skill].items(), key=lambda item: (-item[1], -rule_cost[item[0]], item[0]))
    rule, count = ranked[0] if ranked else (None, 0)
    return FocusAdvice(skill=skill, label=_skill_labels(catalog)[skill], average_shortfall=shortfall[skill],
                       rule=rule, rule_label=rule_label(catalog, rule) if rule else "", rule_count=count,
                       lesson=_lesson(catalog, rule, skill), attempts_considered=len(scored))


def evidence_rule(item: Mapping) -> str:
    """The habit an evidence item is filed under: the act for "penalty:<act>" and
    "credit:<act>" items, else the rubric rule id (e.g. feel_before_fix)."""
    for key in ("rule", "act", "code", "kind"):
        value = item.get(key)
        if isinstance(value, str) and value:
            prefix, _, rest = value.partition(":")
            return rest if rest and prefix in ("penalty", "credit") else value
    return "other"


def _points(item: Mapping) -> Any:
    for key in ("points", "delta", "value"):
        if key in item:
            return item[key]
    return None


def rule_label(catalog: Any, rule: str) -> str:
    """A person's name for an act or rubric rule: the act's label, else what the rubric says
    when the rule is broken (rubric.yaml), else the id in words. Never the bare id when the
    catalog has words for it: "two_roads" reads as "Said no without offering another road…"."""
    acts = getattr(catalog, "acts", None) or {}
    for name in (rule, rule.replace("_", "-")):  # rubric rule hand_off is the act hand-off
        if name in acts and getattr(acts[name], "label", ""):
            return acts[name].label
    rubric = getattr(catalog, "rubric", None)
    spec = (rubric.get("rules") or {}).get(rule) if isinstance(rubric, Mapping) else None
    if isinstance(spec, Mapping):
        for key in ("broken", "let_pass", "no_recap", "message"):
            if isinstance(spec.get(key), str) and spec[key].strip():
                return rubric_terms(catalog).general(spec[key])  # its {fields} in rubric.yaml's words
    return rule.replace("_", " ").replace("-", " ")


def _lesson(catalog: Any, rule: str | None, skill: str) -> str:
    """The act's lesson from acts.yaml when the rule is an act, else the skill's advice
    (rubric.yaml skills.<skill>.advice)."""
    acts = getattr(catalog, "acts", None) or {}
    if rule and rule in acts and getattr(acts[rule], "lesson", ""):
        return acts[rule].lesson
    return rubric_terms(catalog).skill_advice(skill)


def _skill_labels(catalog: Any) -> dict[str, str]:
    return dict(rubric_terms(catalog).labels)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
