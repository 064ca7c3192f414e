"""The team report (`customer-sim report`): attempts as rows, summarised per scenario and trainee.

The rows come from export files (`team_report_exports`) or from the team's LRS
(`team_report_lrs`); both hand them to `summarise`, so the two reports agree. The text and
HTML pages are drawn by `team_report_render`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.scenario.rubric_terms import SKILLS, RubricTerms, rubric_terms


@dataclass(frozen=True, slots=True)
class Row:
    """One attempt as read back from an export."""

    uid: str
    profile: str
    scenario_id: str
    scenario_title: str
    status: str
    started_at: str
    finished_at: str
    outcome: str
    grade: str
    overall: float | None
    skills: Mapping[str, float]
    turns: int
    passed: bool | None
    source: str


def read_scores(overall: Any, skills: Mapping[str, Any]) -> tuple[float | None, dict[str, float], list[str]]:
    """The overall and skill scores of one attempt as read from a file or a statement:
    (overall, skills, problems). Blank or absent is None / left out; anything else must be
    a number from 0 to 100 (the rubric's scale), else it is named in `problems`. The
    caller skips an attempt with any problem, whole: a hand-edited 150, a NaN or inf made
    the team's means and best scores nonsense, and one bad score says the row is not to
    be trusted."""
    problems: list[str] = []

    def score(name: str, value: Any) -> float | None:
        if value is None or value == "":
            return None
        try:
            number = None if isinstance(value, bool) else float(value)
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is None or not 0 <= number <= 100:  # NaN fails every comparison, inf this one
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            problems.append(f"{name} {shown} is not a score from 0 to 100")
            return None
        return number

    overall_score = score("overall", overall)
    skill_scores = {skill: value for skill in SKILLS if (value := score(skill, skills.get(skill))) is not None}
    return overall_score, skill_scores, problems


@dataclass(slots=True)
class ScenarioSummary:
    scenario_id: str
    title: str
    trainees: set[str] = field(default_factory=set)
    attempts: int = 0  # all attempts, finished or not
    finished: int = 0
    passed: int = 0
    overall: list[float] = field(default_factory=list)
    skills: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.finished if self.finished else None

    def mean(self, skill: str | None = None) -> float | None:
        values = self.overall if skill is None else self.skills.get(skill, [])
        return sum(values) / len(values) if values else None


@dataclass(slots=True)
class TraineeSummary:
    profile: str
    best: dict[str, tuple[float, str]] = field(default_factory=dict)  # scenario -> (overall, grade)
    latest: dict[str, tuple[str, str]] = field(default_factory=dict)  # scenario -> (finished_at, grade)
    finished: int = 0


@dataclass(slots=True)
class TeamReport:
    rows: list[Row]
    scenarios: dict[str, ScenarioSummary]
    trainees: dict[str, TraineeSummary]
    problems: list[str]  # files or lines that could not be read, for a person
    duplicates: int  # attempts seen in more than one file, counted once
    # the rubric's words and pass letters the report was summarised with (the command's data
    # folder, else the shipped one), so the pages word the skills as the counting did
    terms: RubricTerms

    @property
    def finished(self) -> int:
        return sum(s.finished for s in self.scenarios.values())

    @property
    def pass_percent(self) -> float | None:
        return 100.0 * sum(s.passed for s in self.scenarios.values()) / self.finished if self.finished else None

    @property
    def mean_overall(self) -> float | None:
        values = [v for s in self.scenarios.values() for v in s.overall]
        return sum(values) / len(values) if values else None

    def team_mean(self, skill: str) -> float | None:
        values = [v for s in self.scenarios.values() for v in s.skills.get(skill, [])]
        return sum(values) / len(values) if values else None

    @property
    def weakest_skill(self) -> str | None:
        means = {skill: self.team_mean(skill) for skill in SKILLS}
        known = {k: v for k, v in means.items() if v is not None}
        return min(known, key=lambda k: (known[k], SKILLS.index(k))) if known else None


def summarise(rows: list[Row], problems: list[str], duplicates: int = 0, *, catalog: Any = None) -> TeamReport:
    """The team report of `rows` (each attempt once), however they were read: from export
    files (`team_report_exports.report_from_exports`) or from the team's LRS
    (`team_report_lrs.report_from_statements`). `catalog`'s rubric (default: the shipped
    one) says which grades pass for a row that did not store it, and words the skills."""
    terms = rubric_terms(catalog)
    scenarios: dict[str, ScenarioSummary] = {}
    trainees: dict[str, TraineeSummary] = {}
    for row in rows:
        summary = scenarios.setdefault(row.scenario_id, ScenarioSummary(row.scenario_id, row.scenario_title))
        summary.trainees.add(row.profile)
        summary.attempts += 1
        trainee = trainees.setdefault(row.profile, TraineeSummary(row.profile))
        if row.status != "finished" or row.overall is None:
            continue
        summary.finished += 1
        summary.passed += row.passed if row.passed is not None else row.grade in terms.passing_grades
        summary.overall.append(row.overall)
        summary.outcomes[row.outcome or "unknown"] += 1
        for skill, value in row.skills.items():
            summary.skills[skill].append(value)
        trainee.finished += 1
        best = trainee.best.get(row.scenario_id)
        if best is None or row.overall > best[0]:
            trainee.best[row.scenario_id] = (row.overall, row.grade)
        latest = trainee.latest.get(row.scenario_id)
        if latest is None or row.finished_at >= latest[0]:
            trainee.latest[row.scenario_id] = (row.finished_at, row.grade)
    return TeamReport(rows, dict(sorted(scenarios.items())), dict(sorted(trainees.items())), problems, duplicates,
                      terms)
