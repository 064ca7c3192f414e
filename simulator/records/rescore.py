"""Score an old attempt under today's rules by replaying its stored choices.

An attempt remembers the sha256 of the scenario file and of the catalog (acts, personas,
mood, rubric) it was scored with. When either differs from today's, the history shows both
scores: as played, and as the same choices would score now. The session is deterministic,
so a replay is exact. If the scenario changed so much that the choices no longer fit (a
node is gone, a choice number is out of range, the path no longer reaches an ending), the
result says so instead of a score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.records.serialize import field
from simulator.records.store import Attempt, Store
from simulator.scenario.rubric_terms import SKILLS


@dataclass(frozen=True, slots=True)
class Scores:
    outcome: str | None
    grade: str | None
    overall: float | None
    skills: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Rescore:
    """An attempt's score as played next to its score under today's files."""

    attempt_id: int
    scenario_id: str
    changed: tuple[str, ...]  # "scenario" and/or "rules": which files differ from the attempt's
    played: Scores
    today: Scores | None  # None when the replay is not possible
    problem: str | None  # why there is no score today, for a person
    differences: tuple[str, ...]  # e.g. "grade B → C", "empathy 80 → 60"

    @property
    def message(self) -> str:
        what = " and ".join({"scenario": f"the scenario {self.scenario_id!r}", "rules": "the scoring rules"}[c]
                            for c in self.changed) or "nothing"
        head = f"Attempt #{self.attempt_id}: {what} changed since it was played."
        if self.today is None:
            return f"{head} It cannot be re-scored: {self.problem}"
        if not self.differences:
            return f"{head} Today's rules give the same score ({self.played.grade}, {_fmt(self.played.overall)})."
        return f"{head} Today: " + "; ".join(self.differences) + "."


def changed_files(attempt: Attempt, scenario: Any, catalog: Any) -> tuple[str, ...]:
    """Which of the attempt's inputs differ from today's: ("scenario", "rules") or a subset.
    An unknown hash (empty, e.g. an attempt imported without one) counts as unchanged."""
    changed = []
    today_scenario = str(field(scenario, "source_sha256", "") or "")
    if attempt.scenario_sha256 and today_scenario and attempt.scenario_sha256 != today_scenario:
        changed.append("scenario")
    today_catalog = str(field(catalog, "sha256", "") or "")
    if attempt.catalog_sha256 and today_catalog and attempt.catalog_sha256 != today_catalog:
        changed.append("rules")
    return tuple(changed)


def rescore_attempt(attempt: Attempt, scenario: Any, catalog: Any, *, force: bool = False) -> Rescore | None:
    """Replay `attempt`'s choices on today's `scenario` (None: it no longer exists) and
    `catalog`. Returns None when nothing changed (unless `force`)."""
    played = Scores(attempt.outcome, attempt.grade, attempt.overall, dict(attempt.skills))
    if scenario is None:
        return Rescore(attempt.id, attempt.scenario_id, ("scenario",), played, None,
                       f"the scenario {attempt.scenario_id!r} is no longer among the scenario files", ())
    changed = changed_files(attempt, scenario, catalog)
    if not changed and not force:
        return None
    today, problem = _replay(list(attempt.choices), scenario, catalog, attempt.seed)
    differences = _differences(played, today) if today is not None else ()
    return Rescore(attempt.id, attempt.scenario_id, changed, played, today, problem, differences)


def rescore_history(store: Store, profile: str, scenarios: Mapping[str, Any], catalog: Any, *,
                    limit: int | None = None) -> list[Rescore]:
    """Re-score every finished attempt of `profile` whose scenario or rules changed, newest
    first. `scenarios` maps scenario id -> today's loaded Scenario (missing: deleted)."""
    results = []
    for attempt in store.history(profile, status="finished", limit=limit):
        rescored = rescore_attempt(attempt, scenarios.get(attempt.scenario_id), catalog)
        if rescored is not None:
            results.append(rescored)
    return results


def _replay(choices: list[int], scenario: Any, catalog: Any,
            seed: int | None = None) -> tuple[Scores | None, str | None]:
    from simulator.engine.session import ChoiceError, Session, SnapshotError

    try:
        # choices are the positions shown; the attempt's seed recreates that order
        session = Session.replay(scenario, catalog, choices, seed=seed)
    except (ChoiceError, SnapshotError, KeyError, IndexError, ValueError) as error:  # the stored path does not fit today's scenario
        return None, f"the stored choices no longer fit the scenario ({_reason(error)})"
    result = session.result
    if result is None:
        return None, (f"the stored choices no longer reach an ending: after {len(choices)} "
                      f"turn{'s' if len(choices) != 1 else ''} the conversation is still at {session.node_id!r}")
    skills = field(result, "skills") or {}
    return Scores(field(result, "outcome"), field(result, "grade"), field(result, "overall"), dict(skills)), None


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    if isinstance(error, KeyError) and error.args:
        text = f"{error.args[0]!r} no longer exists"
    return text or type(error).__name__


def _differences(played: Scores, today: Scores) -> tuple[str, ...]:
    lines = []
    if played.outcome != today.outcome:
        lines.append(f"outcome {played.outcome} → {today.outcome}")
    if played.grade != today.grade:
        lines.append(f"grade {played.grade} → {today.grade}")
    if played.overall != today.overall:
        lines.append(f"overall {_fmt(played.overall)} → {_fmt(today.overall)}")
    for skill in SKILLS:
        before, after = played.skills.get(skill), today.skills.get(skill)
        if before != after:
            lines.append(f"{skill.replace('_', '-')} {_fmt(before)} → {_fmt(after)}")
    return tuple(lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pending(rescores: Iterable[Rescore]) -> list[Rescore]:
    """Only those whose score actually moved or that can no longer be replayed."""
    return [r for r in rescores if r.today is None or r.differences]
