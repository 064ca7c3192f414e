"""Team summary from many trainees' exports (`customer-sim report`).

Reads the JSON and CSV files `customer-sim export` writes (any mix, from any number of
machines), counts each attempt once (by its uid), and summarises finished attempts per
scenario and skill: as a plain-text table and as one self-contained HTML page with an
inline SVG chart (no scripts, fonts or images from elsewhere, so it opens offline and can
be mailed as a single file).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.records.exports import JSON_FORMAT, unsafe_cell
from simulator.scenario.rubric_terms import SKILLS, rubric_terms

MAX_FILE_BYTES = 64 * 1024 * 1024  # ~60,000 attempts; parsed whole, so this bounds memory well under 1 GB


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


# ------------------------------------------------------------------ reading
def read_export(path: Path) -> tuple[list[Row], list[str]]:
    """Rows from one export file (JSON or CSV, decided by content), and problems found."""
    from simulator.scenario.safe_read import ReadRefused, read_capped

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [], [f"{path}: {size // (1024 * 1024)} MB is larger than any export this tool reads"]
        # regular files only, opened without blocking and read up to the cap: /dev/zero reports
        # size 0 and never ends, a FIFO blocks open() until someone writes to it
        text = read_capped(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        return [], [f"{path}: no such file"]
    except IsADirectoryError:
        return [], [f"{path}: is a folder; name the export files inside it"]
    except UnicodeDecodeError as error:
        return [], [f"{path}: not UTF-8 text (byte {error.start}); is this an export from customer-sim?"]
    except ReadRefused as refused:
        return [], [f"{path}: skipped: {refused}"]
    except OSError as error:
        return [], [f"{path}: cannot read ({error.strerror or error})"]
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _read_json(path, text)
    return _read_csv(path, text)


def _read_json(path: Path, text: str) -> tuple[list[Row], list[str]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})"]
    except RecursionError:  # the parser recurses per nesting level; an export nests four deep
        return [], [f"{path}: skipped: the JSON is nested too deeply to be an export"]
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        return [], [f"{path}: skipped: not a usable JSON export ({str(error)[:80]})"]
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        return [], [f"{path}: not a customer-sim JSON export (expected \"format\": \"{JSON_FORMAT}\"); "
                    "xAPI statement files are for a learning record store, not for this report"]
    rows, problems = [], []
    for index, item in enumerate(document.get("attempts") or []):
        where = f"{path}: attempts[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object")
            continue
        row = _row(item, item.get("skills"), str(path), where, problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _read_csv(path: Path, text: str) -> tuple[list[Row], list[str]]:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in ("profile", "scenario_id", "status", "overall", *SKILLS) if c not in header]
    if missing:
        return [], [f"{path}:1: not a customer-sim CSV export: missing column(s) {', '.join(missing)}"]
    rows, problems = [], []
    records = enumerate(reader, start=2)
    line_number = 1
    while True:
        try:
            line_number, record = next(records)
        except StopIteration:
            break
        except csv.Error as error:  # a field over csv's 128 KiB limit, a NUL byte ...
            problems.append(f"{path}:{line_number + 1}: skipped the rest of the file: {error}")
            break
        item = {key: unsafe_cell(value or "") for key, value in record.items() if key is not None}
        skills = {skill: item.get(skill, "") for skill in SKILLS}
        row = _row(item, skills, str(path), f"{path}:{line_number}", problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _row(item: Mapping[str, Any], skills: Any, source: str, where: str, problems: list[str]) -> Row | None:
    profile, scenario_id = str(item.get("profile") or "").strip(), str(item.get("scenario_id") or "").strip()
    if not profile or not scenario_id:
        problems.append(f"{where}: missing profile or scenario_id; row skipped")
        return None
    status = str(item.get("status") or "finished")
    overall = _number(item.get("overall"))
    if status == "finished" and overall is None:
        problems.append(f"{where}: finished attempt without an overall score; row skipped")
        return None
    clean_skills = {}
    for skill in SKILLS:
        value = _number((skills or {}).get(skill) if isinstance(skills, Mapping) else None)
        if value is not None:
            clean_skills[skill] = value
    turns = item.get("turns")
    turn_count = len(turns) if isinstance(turns, list) else int(_number(turns) or 0)
    passed = item.get("passed")
    return Row(uid=str(item.get("uid") or item.get("attempt_uid") or ""), profile=profile, scenario_id=scenario_id,
               scenario_title=str(item.get("scenario_title") or "") or scenario_id, status=status,
               started_at=str(item.get("started_at") or ""), finished_at=str(item.get("finished_at") or ""),
               outcome=str(item.get("outcome") or ""), grade=str(item.get("grade") or ""), overall=overall,
               skills=clean_skills, turns=turn_count, passed=passed if isinstance(passed, bool) else None,
               source=source)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


# ------------------------------------------------------------------ summarising
def build_report(paths: Iterable[Path]) -> TeamReport:
    """Read every file and summarise; unreadable parts become `problems`, never errors."""
    rows: list[Row] = []
    problems: list[str] = []
    seen: set[tuple] = set()
    duplicates = 0
    for path in paths:
        file_rows, file_problems = read_export(Path(path))
        problems += file_problems
        for row in file_rows:
            key = (row.uid,) if row.uid else (row.profile, row.scenario_id, row.started_at)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            rows.append(row)
    return summarise(rows, problems, duplicates)


def summarise(rows: list[Row], problems: list[str], duplicates: int = 0) -> TeamReport:
    """The team report of `rows` (each attempt once), however they were read: from export
    files (`build_report`) or from the team's LRS (`simulator.records.lrs_report`)."""
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
        summary.passed += row.passed if row.passed is not None else row.grade in rubric_terms().passing_grades
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
    return TeamReport(rows, dict(sorted(scenarios.items())), dict(sorted(trainees.items())), problems, duplicates)


# ------------------------------------------------------------------ text
def fmt_number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731 - tiny local formatter
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def render_text(report: TeamReport) -> str:
    """The summary as aligned plain-text tables."""
    out = [f"Team summary: {len(report.trainees)} trainee(s), {len(report.rows)} attempt(s), "
           f"{report.finished} finished"]
    if not report.scenarios:
        out.append("No attempts found in the files given.")
    else:
        out += ["", "Per scenario (finished attempts; skill columns are mean scores 0-100):"]
        header = ["scenario", "trainees", "finished", "pass %", "overall", *[rubric_terms().label(s) for s in SKILLS]]
        rows = [[s.scenario_id, str(len(s.trainees)), str(s.finished),
                 fmt_number(None if s.pass_rate is None else 100 * s.pass_rate), fmt_number(s.mean(), 1),
                 *[fmt_number(s.mean(skill)) for skill in SKILLS]] for s in report.scenarios.values()]
        rows.append(["ALL", str(len(report.trainees)), str(report.finished), fmt_number(report.pass_percent),
                     fmt_number(report.mean_overall, 1), *[fmt_number(report.team_mean(skill)) for skill in SKILLS]])
        out += _table(header, rows)
        out += ["", "Per trainee (best grade per scenario, latest in brackets):"]
        names = list(report.scenarios)
        trainee_rows = [[t.profile, *[grade_cell(t, sid) for sid in names]] for t in report.trainees.values()]
        out += _table(["trainee", *names], trainee_rows)
        if report.weakest_skill:
            out += ["", f"Team focus: {rubric_terms().label(report.weakest_skill)} has the lowest mean score "
                        f"({fmt_number(report.team_mean(report.weakest_skill))})."]
    if report.duplicates:
        out.append(f"({report.duplicates} attempt(s) appeared in more than one file and were counted once.)")
    if report.problems:
        out += ["", "Problems (these rows or files were skipped):", *[f"  {p}" for p in report.problems]]
    return "\n".join(out) + "\n"


def grade_cell(trainee: TraineeSummary, scenario_id: str) -> str:
    best = trainee.best.get(scenario_id)
    if best is None:
        return "—"
    latest = trainee.latest.get(scenario_id, ("", ""))[1]
    return f"{best[1] or '?'} ({latest or '?'})"
