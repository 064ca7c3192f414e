"""Attempts as xAPI 1.0.3 statements, one JSON object per line, for a learning record store.

Per attempt: one "responded" statement per reply the trainee picked (object: the scenario
node, `scenario-IRI#node-id`), then, when the attempt was finished, one "passed" or
"failed" statement with the score, success, completion, duration and the five skill scores
as result extensions. The actor is an account (homePage + the profile name).

Statement ids are uuid5 of the attempt's uid and the turn, so exporting again yields the
same ids and an LRS treats the re-sent statements as the same ones instead of duplicates.
`xapi_check.statement_problems` validates the shape against the specification.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import quote

from simulator.records.serialize import parse_timestamp
from simulator.records.store import Attempt

XAPI_VERSION = "1.0.3"
# Placeholder base for activity and extension IRIs; a team sets its own with --xapi-base.
DEFAULT_BASE = "https://customer-sim.example.org"
# Fixed namespace for uuid5 statement ids: never change it, or re-exports get new ids.
STATEMENT_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-5d2b-9a57-3b6f3d0c2e11")
SKILLS = ("calm", "listening", "empathy", "solutions", "follow_up")
PASSING_GRADES = ("A", "B")  # fallback when an old attempt did not store `passed`

VERBS = {
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_TYPES = {
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "reply": "http://adlnet.gov/expapi/activities/interaction",
    "course": "http://adlnet.gov/expapi/activities/course",
}
PLATFORM = "Customer Challenge Simulator"


class StatementBuilder:
    """Builds statements under one IRI base (the team's LMS or intranet address)."""

    def __init__(self, base: str = DEFAULT_BASE, home_page: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.home_page = home_page or self.base

    # --------------------------------------------------------------- IRIs
    def scenario_iri(self, scenario_id: str) -> str:
        return f"{self.base}/scenarios/{quote(scenario_id, safe='')}"

    def node_iri(self, scenario_id: str, node_id: str) -> str:
        return f"{self.scenario_iri(scenario_id)}#{quote(node_id, safe='')}"

    def extension(self, name: str) -> str:
        return f"{self.base}/xapi/extensions/{name}"

    # --------------------------------------------------------------- statements
    def statements(self, attempt: Attempt) -> list[dict]:
        """All statements for one attempt: a reply statement per turn, then the result."""
        turns = list(attempt.turns or ())
        if not turns:  # a summary-only attempt or an old row: rebuild stubs from choices
            turns = [{"turn": n + 1, "choice": c} for n, c in enumerate(attempt.choices)]
        statements = [self.reply_statement(attempt, line, index + 1) for index, line in enumerate(turns)]
        if attempt.status == "finished":
            statements.append(self.result_statement(attempt))
        return statements

    def reply_statement(self, attempt: Attempt, line: dict, number: int) -> dict:
        node_id = str(line.get("node_id") or f"turn-{number}")
        moods = attempt.moods or ()
        extensions: dict[str, Any] = {self.extension("turn"): number}
        if isinstance(line.get("choice"), int):
            extensions[self.extension("choice")] = line["choice"] + 1  # 1-based, as on screen
        if line.get("acts"):
            extensions[self.extension("acts")] = list(line["acts"])
        if number <= len(moods) and isinstance(moods[number - 1], dict) and moods[number - 1]:
            extensions[self.extension("mood-after")] = moods[number - 1]
        if line.get("expression_after"):
            extensions[self.extension("expression-after")] = line["expression_after"]
        result: dict[str, Any] = {"extensions": extensions}
        if line.get("reply_text"):
            result["response"] = str(line["reply_text"])
        title = attempt.scenario_title or attempt.scenario_id
        return self._statement(
            attempt, key=f"turn/{number}", verb="responded",
            timestamp=line.get("at") or attempt.updated_at or attempt.started_at,
            obj={"objectType": "Activity", "id": self.node_iri(attempt.scenario_id, node_id),
                 "definition": {"name": {"en-US": f"{title}: reply at {node_id}"},
                                "type": ACTIVITY_TYPES["reply"]}},
            result=result, parent=True)

    def result_statement(self, attempt: Attempt) -> dict:
        passed = (attempt.result or {}).get("passed")
        if not isinstance(passed, bool):
            passed = attempt.grade in PASSING_GRADES
        overall = float(attempt.overall or 0.0)
        extensions: dict[str, Any] = {self.extension(f"skill/{s}"): attempt.skills[s]
                                      for s in SKILLS if isinstance(attempt.skills.get(s), (int, float))}
        if attempt.grade:
            extensions[self.extension("grade")] = attempt.grade
        if attempt.outcome:
            extensions[self.extension("outcome")] = attempt.outcome
        result: dict[str, Any] = {
            # overall is 0..100; scaled must lie in [-1, 1]
            "score": {"scaled": round(min(max(overall / 100.0, 0.0), 1.0), 4), "raw": overall, "min": 0, "max": 100},
            "success": passed, "completion": True, "extensions": extensions}
        duration = _duration(attempt.started_at, attempt.finished_at)
        if duration:
            result["duration"] = duration
        return self._statement(
            attempt, key="result", verb="passed" if passed else "failed",
            timestamp=attempt.finished_at or attempt.updated_at or attempt.started_at,
            obj=self._scenario_activity(attempt), result=result, parent=False)

    def _scenario_activity(self, attempt: Attempt) -> dict:
        return {"objectType": "Activity", "id": self.scenario_iri(attempt.scenario_id),
                "definition": {"name": {"en-US": attempt.scenario_title or attempt.scenario_id},
                               "type": ACTIVITY_TYPES["scenario"]}}

    def _statement(self, attempt: Attempt, *, key: str, verb: str, timestamp: str, obj: dict,
                   result: dict, parent: bool) -> dict:
        context_activities: dict[str, list] = {
            "grouping": [{"objectType": "Activity", "id": f"{self.base}/",
                          "definition": {"name": {"en-US": PLATFORM}, "type": ACTIVITY_TYPES["course"]}}]}
        if parent:
            context_activities["parent"] = [self._scenario_activity(attempt)]
        context: dict[str, Any] = {"contextActivities": context_activities, "platform": PLATFORM,
                                   "language": "en"}
        registration = _uuid_or_none(attempt.uid)
        if registration:
            context["registration"] = registration
        if attempt.scenario_sha256 or attempt.catalog_sha256:
            context["extensions"] = {self.extension("scenario-sha256"): attempt.scenario_sha256,
                                     self.extension("rules-sha256"): attempt.catalog_sha256}
        seed = attempt.uid or f"{attempt.profile}/{attempt.scenario_id}/{attempt.started_at}"
        return {
            "id": str(uuid.uuid5(STATEMENT_NAMESPACE, f"{seed}/{key}")),
            "version": XAPI_VERSION,
            "timestamp": timestamp,
            "actor": {"objectType": "Agent", "name": attempt.profile,
                      "account": {"homePage": self.home_page, "name": attempt.profile}},
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": obj,
            "result": result,
            "context": context,
        }


def iter_statements(attempts: Iterable[Attempt], builder: StatementBuilder | None = None) -> Iterator[dict]:
    builder = builder or StatementBuilder()
    for attempt in attempts:
        yield from builder.statements(attempt)


def write_statements(attempts: Iterable[Attempt], stream: TextIO, builder: StatementBuilder | None = None) -> int:
    """Write JSON lines; returns the number of statements written."""
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for statement in iter_statements(attempts, builder):
        stream.write(encode(statement))
        stream.write("\n")
        count += 1
    return count


def _duration(started: str | None, finished: str | None) -> str | None:
    """ISO 8601 duration (PTnn.nnS) between two timestamps, or None."""
    start, end = parse_timestamp(started), parse_timestamp(finished)
    if start is None or end is None or end < start:
        return None
    return f"PT{(end - start).total_seconds():.2f}S"


def _uuid_or_none(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None
