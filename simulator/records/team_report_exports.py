"""The team report's rows read from the files `customer-sim export` writes.

Any mix of JSON and CSV exports, from any number of machines; each attempt is counted once
(by its uid). What cannot be read becomes a problem line for a person, never an error.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from simulator.records.exports import JSON_FORMAT, unsafe_cell
from simulator.records.team_report import Row, TeamReport, read_scores, summarise
from simulator.scenario.rubric_terms import SKILLS

MAX_FILE_BYTES = 64 * 1024 * 1024  # ~60,000 attempts; parsed whole, so this bounds memory well under 1 GB


def report_from_exports(paths: Iterable[Path], *, catalog: Any = None) -> TeamReport:
    """Read every file and summarise in `catalog`'s rubric (default: the shipped one);
    unreadable parts become `problems`, never errors."""
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
    return summarise(rows, problems, duplicates, catalog=catalog)


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
    try:  # the header is read here, outside the row loop: a NUL or a 128 KiB first line raised
        header = reader.fieldnames or []
    except csv.Error as error:
        return [], [f"{path}:1: not a customer-sim CSV export: {error}"]
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
    uid = str(item.get("uid") or item.get("attempt_uid") or "")
    overall, clean_skills, bad = read_scores(item.get("overall"), skills if isinstance(skills, Mapping) else {})
    if bad:
        attempt = f"attempt {uid}" if uid else f"{profile}'s attempt at {scenario_id}"
        problems.append(f"{where}: {attempt}: {'; '.join(bad)}; row skipped")
        return None
    if status == "finished" and overall is None:
        problems.append(f"{where}: finished attempt without an overall score; row skipped")
        return None
    turns = item.get("turns")
    turn_count = len(turns) if isinstance(turns, list) else int(_number(turns) or 0)
    passed = item.get("passed")
    return Row(uid=uid, profile=profile, scenario_id=scenario_id,
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
