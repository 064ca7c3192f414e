"""The team report built from the statements in the team's LRS (`customer-sim report --lrs`)
instead of from export files: the same summary, from the store every desktop sends to.

Statements are read page by page (`more`), each once (by id). Only this product's
statements count (context.platform); other courses in the same store are left alone. One
attempt is one registration (the attempt's uid): its "responded" statements are its turns,
its "passed"/"failed" statement carries the score, grade, outcome and skills — the fields
the export files carry, so both reports agree. An attempt with no reply yet sent nothing to
the store and is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from simulator.records.team_report import Row, TeamReport, read_scores, summarise
from simulator.records.xapi import PLATFORM, VERBS
from simulator.scenario.rubric_terms import SKILLS

_RESULT_VERBS = {VERBS["passed"], VERBS["failed"]}


@dataclass(slots=True)
class _Attempt:
    registration: str
    profile: str = ""
    scenario_id: str = ""
    title: str = ""
    first_at: str = ""
    turns: set[str] = field(default_factory=set)
    final: dict | None = None


def report_from_statements(statements: Iterable[Mapping[str, Any]], source: str = "LRS", *,
                           catalog: Any = None) -> TeamReport:
    """Summarise statements (dicts as the store returns them) into a TeamReport, in
    `catalog`'s rubric (default: the shipped one)."""
    attempts: dict[str, _Attempt] = {}
    seen: set[str] = set()
    duplicates = 0
    problems: list[str] = []
    for statement in statements:
        sid = statement.get("id")
        if sid in seen:
            duplicates += 1
            continue
        seen.add(sid)
        context = statement.get("context") or {}
        if not isinstance(context, dict) or context.get("platform") != PLATFORM:
            continue  # another product's statement
        registration = context.get("registration")
        if not isinstance(registration, str):
            problems.append(f"{source}: statement {sid} has no registration (attempt id); skipped")
            continue
        attempt = attempts.setdefault(registration, _Attempt(registration))
        actor = statement.get("actor") or {}
        account = actor.get("account") if isinstance(actor, dict) else None
        attempt.profile = attempt.profile or str((account or {}).get("name") or actor.get("name") or "")
        target = statement.get("object") or {}
        scenario_id, node = _scenario_of(str(target.get("id") or ""))
        attempt.scenario_id = attempt.scenario_id or scenario_id
        timestamp = str(statement.get("timestamp") or "")
        if not attempt.first_at or timestamp < attempt.first_at:
            attempt.first_at = timestamp
        verb = (statement.get("verb") or {}).get("id")
        name = _name(target)
        if verb in _RESULT_VERBS:
            attempt.final = dict(statement)
            attempt.title = name or attempt.title
        elif verb == VERBS["responded"]:
            attempt.turns.add(str(sid))
            suffix = f": reply at {node}"
            if not attempt.title and name.endswith(suffix):
                attempt.title = name[: -len(suffix)]
    ordered = sorted(attempts.values(), key=lambda a: (a.first_at, a.registration))
    rows = [_row(attempt, source, problems) for attempt in ordered]
    return summarise([row for row in rows if row is not None], problems, duplicates, catalog=catalog)


def report_from_lrs(settings, *, catalog: Any = None) -> TeamReport:
    """Read every statement from the LRS in `settings` and summarise (in `catalog`'s rubric).
    Raises LrsError."""
    from simulator.records.lrs_client import LrsClient

    with LrsClient(settings) as client:
        return report_from_statements(client.iter_statements(), source=settings.endpoint or "LRS",
                                      catalog=catalog)


def _row(attempt: _Attempt, source: str, problems: list[str]) -> Row | None:
    if not attempt.profile or not attempt.scenario_id:
        return None
    final = attempt.final or {}
    result = final.get("result") or {}
    extensions = result.get("extensions") or {}
    found: dict[str, Any] = {}
    grade = outcome = ""
    for key, value in extensions.items():
        tail = str(key).rsplit("/xapi/extensions/", 1)[-1]
        if tail.startswith("skill/") and tail[6:] in SKILLS:
            found[tail[6:]] = value
        elif tail == "grade":
            grade = str(value)
        elif tail == "outcome":
            outcome = str(value)
    raw = (result.get("score") or {}).get("raw")
    overall, skills, bad = read_scores(raw, found)  # the same 0-100 rule as for export files
    if bad:
        problems.append(f"{source}: attempt {attempt.registration} ({attempt.profile}, {attempt.scenario_id}): "
                        f"{'; '.join(bad)}; skipped")
        return None
    success = result.get("success")
    return Row(uid=attempt.registration, profile=attempt.profile, scenario_id=attempt.scenario_id,
               scenario_title=attempt.title or attempt.scenario_id,
               status="finished" if attempt.final else "in_progress", started_at=attempt.first_at,
               finished_at=str(final.get("timestamp") or ""), outcome=outcome, grade=grade,
               overall=overall if attempt.final else None, skills=skills,
               turns=len(attempt.turns), passed=success if isinstance(success, bool) else None, source=source)


def _scenario_of(iri: str) -> tuple[str, str]:
    """(scenario id, node id) from `<base>/scenarios/<id>[#<node>]`."""
    parts = urlsplit(iri)
    head, marker, tail = parts.path.rpartition("/scenarios/")
    if not marker:
        return "", ""
    return unquote(tail), unquote(parts.fragment)


def _name(target: Mapping) -> str:
    names = ((target.get("definition") or {}).get("name") or {})
    if not isinstance(names, dict):
        return ""
    return str(names.get("en-US") or next(iter(names.values()), "") or "")

