"""Attempt history as files a team lead can use: CSV (one row per attempt), JSON (everything
except the engine's internal snapshot) and xAPI statements (see xapi.py).

The CSV and JSON written here are also what `customer-sim report` reads back, so both
carry the attempt's uid: merging the same export twice counts each attempt once.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from simulator.records.serialize import iso_timestamp
from simulator.records.store import Attempt, Store
from simulator.records.xapi import StatementBuilder, write_statements

SKILLS = ("calm", "listening", "empathy", "solutions", "follow_up")
CSV_COLUMNS = ("attempt_uid", "profile", "scenario_id", "scenario_title", "status", "started_at",
               "finished_at", "outcome", "grade", "overall", *SKILLS, "turns",
               "scenario_sha256", "catalog_sha256")
JSON_FORMAT = "customer-sim-attempts"
JSON_FORMAT_VERSION = 1
FORMATS = ("csv", "json", "xapi")
DEFAULT_NAMES = {"csv": "attempts.csv", "json": "attempts.json", "xapi": "statements.jsonl"}
# Spreadsheets run a cell that starts with one of these as a formula ("CSV injection"): a
# trainee named "=HYPERLINK(...)" must not become a live formula on the team lead's screen.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(attempt: Attempt) -> dict[str, Any]:
    """One CSV row: plain values, skills as numbers, text cells made formula-safe."""
    row: dict[str, Any] = {
        "attempt_uid": attempt.uid, "profile": safe_cell(attempt.profile),
        "scenario_id": safe_cell(attempt.scenario_id), "scenario_title": safe_cell(attempt.scenario_title),
        "status": attempt.status, "started_at": attempt.started_at, "finished_at": attempt.finished_at or "",
        "outcome": attempt.outcome or "", "grade": attempt.grade or "",
        "overall": "" if attempt.overall is None else attempt.overall,
        "turns": attempt.turn_count, "scenario_sha256": attempt.scenario_sha256,
        "catalog_sha256": attempt.catalog_sha256}
    for skill in SKILLS:
        value = attempt.skills.get(skill)
        row[skill] = "" if value is None else value
    return row


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unsafe_cell(text: str) -> str:
    """Undo `safe_cell` when reading our own CSV back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def write_csv(attempts: Iterable[Attempt], stream: TextIO) -> int:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for attempt in attempts:
        writer.writerow(csv_row(attempt))
        count += 1
    return count


def json_record(attempt: Attempt) -> dict[str, Any]:
    """An attempt for the JSON export: scores, choices (0-based), per-turn transcript, moods
    and evidence. The session snapshot is left out: it is internal engine state."""
    return {
        "uid": attempt.uid, "profile": attempt.profile, "scenario_id": attempt.scenario_id,
        "scenario_title": attempt.scenario_title, "scenario_sha256": attempt.scenario_sha256,
        "catalog_sha256": attempt.catalog_sha256, "status": attempt.status,
        "started_at": attempt.started_at, "finished_at": attempt.finished_at,
        "outcome": attempt.outcome, "grade": attempt.grade, "overall": attempt.overall,
        "passed": (attempt.result or {}).get("passed"), "skills": dict(attempt.skills),
        "choices": list(attempt.choices), "turns": list(attempt.turns or ()),
        "moods": list(attempt.moods or ()), "evidence": list(attempt.evidence or ()),
    }


def write_json(attempts: Iterable[Attempt], stream: TextIO, *, profile: str | None = None) -> int:
    """A JSON document {format, format_version, exported_at, profile, attempts: [...]},
    written attempt by attempt so a large history never sits in memory twice."""
    header = {"format": JSON_FORMAT, "format_version": JSON_FORMAT_VERSION,
              "exported_at": iso_timestamp(), "profile": profile}
    head = json.dumps(header, ensure_ascii=False, indent=1)
    stream.write(head[:-2] + ',\n "attempts": [')
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    for attempt in attempts:
        stream.write(("\n  " if count == 0 else ",\n  ") + encode(json_record(attempt)))
        count += 1
    stream.write("\n ]\n}\n")
    return count


@dataclass(frozen=True, slots=True)
class ExportResult:
    files: tuple[Path, ...]
    attempts: int
    statements: int


def target_paths(formats: Iterable[str], out: Path) -> dict[str, Path]:
    """Where each format goes: `out` itself for a single format unless it is a folder
    (existing, or written with a trailing slash); several formats always go in folder `out`."""
    formats = list(formats)
    as_folder = len(formats) > 1 or out.is_dir() or str(out).endswith((os.sep, "/"))
    if as_folder:
        return {fmt: out / DEFAULT_NAMES[fmt] for fmt in formats}
    return {formats[0]: out}


def export(store: Store, out: Path, formats: Iterable[str] = FORMATS, *, profile: str | None = None,
           builder: StatementBuilder | None = None) -> ExportResult:
    """Write the chosen formats for `profile` (None: everyone) under `out`. Each file is
    written to a temporary name and renamed into place, so a failed export never leaves a
    half-written file where the team lead expects a whole one."""
    targets = target_paths(formats, out)
    for path in targets.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    attempts = statements = 0
    for fmt, path in targets.items():
        def source() -> Iterator[Attempt]:
            return store.iter_attempts(profile, full=fmt != "csv")

        temporary = path.with_name(f".{path.name}.partial")
        try:
            with temporary.open("w", encoding="utf-8", newline="") as stream:
                if fmt == "csv":
                    attempts = write_csv(source(), stream)
                elif fmt == "json":
                    attempts = write_json(source(), stream, profile=profile)
                else:
                    statements = write_statements(source(), stream, builder)
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()
    if "csv" not in targets and "json" not in targets:
        attempts = store.count(profile)
    return ExportResult(tuple(targets.values()), attempts, statements)


def export_text(store: Store, fmt: str, *, profile: str | None = None,
                builder: StatementBuilder | None = None) -> str:
    """One format as a string (for `-o -`, printing to standard output)."""
    buffer = io.StringIO()
    if fmt == "csv":
        write_csv(store.iter_attempts(profile, full=False), buffer)
    elif fmt == "json":
        write_json(store.iter_attempts(profile), buffer, profile=profile)
    else:
        write_statements(store.iter_attempts(profile), buffer, builder)
    return buffer.getvalue()
