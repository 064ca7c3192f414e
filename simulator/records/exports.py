"""Attempt history as files a team lead can use: CSV (one row per attempt), JSON (everything
except the engine's internal snapshot: each turn in the engine's compact turn encoding, and
a finished attempt's key moments as the debrief showed them) and xAPI statements (xapi.py).

The CSV and JSON written here are also what `customer-sim report` reads back, so both
carry the attempt's uid: merging the same export twice counts each attempt once.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from simulator.records.serialize import encode_compact, iso_timestamp, loads
from simulator.records.store import Attempt, AttemptRow, RecordsError, Store, open_store
from simulator.records.xapi import StatementBuilder, write_statements
from simulator.scenario.rubric_terms import SKILLS

CSV_COLUMNS = ("attempt_uid", "profile", "scenario_id", "scenario_title", "status", "started_at",
               "finished_at", "outcome", "grade", "overall", *SKILLS, "turns",
               "scenario_sha256", "catalog_sha256")
JSON_FORMAT = "customer-sim-attempts"
# 2: each transcript line is the engine's compact turn encoding (`node` and `next`, not
# `node_id` and `next_id`; turn_lines.upgrade_line reads format 1's), and finished attempts
# carry their key moments.
JSON_FORMAT_VERSION = 2
FORMATS = ("csv", "json", "xapi")
DEFAULT_NAMES = {"csv": "attempts.csv", "json": "attempts.json", "xapi": "statements.jsonl"}
_encode = encode_compact
# Spreadsheets run a cell that starts with one of these as a formula ("CSV injection"): a
# trainee named "=HYPERLINK(...)" must not become a live formula on the team lead's screen.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_JSON_END = "\n ]\n}\n"


def csv_row(attempt: Attempt) -> list[Any]:
    """One CSV row, in CSV_COLUMNS order: plain values, skills as numbers, text cells made
    formula-safe."""
    skills = attempt.skills
    return [attempt.uid, safe_cell(attempt.profile), safe_cell(attempt.scenario_id), safe_cell(attempt.scenario_title),
            attempt.status, attempt.started_at, attempt.finished_at or "", attempt.outcome or "", attempt.grade or "",
            "" if attempt.overall is None else attempt.overall,
            *["" if (value := skills.get(skill)) is None else value for skill in SKILLS],
            attempt.turn_count, attempt.scenario_sha256, attempt.catalog_sha256]


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unsafe_cell(text: str) -> str:
    """Undo `safe_cell` when reading our own CSV back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def write_csv(attempts: Iterable[Attempt], stream: TextIO) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for attempt in attempts:
        writer.writerow(csv_row(attempt))
        count += 1
    return count


def json_record_text(row: AttemptRow, result: tuple[dict | None, str] | None = None) -> str:
    """The JSON export's text for one attempt. The stored transcript, moods and evidence are
    already JSON written by the store, so they are spliced in as they are, unparsed: this
    is what keeps exporting ten thousand attempts well under a second. `result` is the
    row's `result_and_moments` (pass it when the caller has it already)."""
    attempt = row.attempt
    result, moments = result or result_and_moments(row)
    head = _encode({
        "uid": attempt.uid, "profile": attempt.profile, "scenario_id": attempt.scenario_id,
        "scenario_title": attempt.scenario_title, "scenario_sha256": attempt.scenario_sha256,
        "catalog_sha256": attempt.catalog_sha256, "status": attempt.status,
        "started_at": attempt.started_at, "finished_at": attempt.finished_at,
        "outcome": attempt.outcome, "grade": attempt.grade, "overall": attempt.overall,
        "passed": result.get("passed") if result is not None else None, "skills": dict(attempt.skills),
        "choices": list(attempt.choices), "seed": attempt.seed})  # choices are positions under this seed
    # the debrief's key moments, as the game showed them (null: not recorded, or unfinished)
    return (f'{head[:-1]},"key_moments":{moments},"turns":{row.turns_json},"moods":{row.moods_json},'
            f'"evidence":{row.evidence_json}}}')


def stored_result(row: AttemptRow) -> dict | None:
    """The row's result column parsed (None when absent, damaged or not an object)."""
    result = loads(row.result_json) if row.result_json else None
    return result if isinstance(result, dict) else None


def result_and_moments(row: AttemptRow) -> tuple[dict | None, str]:
    """What the JSON and xAPI files need of the row's result, worked out once per attempt:
    the result as `stored_result` parses it, though maybe without its key moments (every
    other key is there), and the key moments as JSON text (`_key_moments_text`)."""
    cut = _cut_moments(row)
    if cut is not None:
        return cut
    result = stored_result(row)
    return result, _key_moments_text(row.result_json, result)


_MOMENTS_KEY = '"key_moments":'


def _cut_moments(row: AttemptRow) -> tuple[dict, str] | None:
    """`result_and_moments` parsing only the result's text before its key moments: the key
    moments are most of it, and parsing them cost more than everything else in an attempt's
    JSON record. The store writes the result with the export's compact encoder, key moments
    last, so the text before them is what encoding the other keys gives and the rest is
    their text, cut out as it is. That holds when SQLite found the text valid JSON and
    counted one member more than the part before parsed to (so no key is repeated and
    nothing follows the key moments); None otherwise, and the caller parses it all."""
    stored, members = row.result_json, row.result_members
    if members is None or stored is None or not stored.endswith("]}"):
        return None
    if stored.startswith("{" + _MOMENTS_KEY + "["):
        head, at = {}, 1
    else:
        at = stored.find("," + _MOMENTS_KEY + "[") + 1  # (a nested one leaves an unclosed head)
        if not at:
            return None
        head = loads(stored[:at - 1] + "}")
        if type(head) is not dict or "key_moments" in head or _encode(head) != stored[:at - 1] + "}":
            return None
    if members != len(head) + 1:
        return None
    return head, stored[at + len(_MOMENTS_KEY):-1]


def _key_moments_text(stored: str | None, result: dict | None) -> str:
    """The result's key moments as JSON text. The store writes the result with this same
    compact encoder and appends the key moments last, so their text is the tail of the
    stored column: cut out, not encoded again (encoding them cost more than parsing them).
    The text before them must be exactly what encoding the other keys gives; anything else
    (an older or hand-written shape) is encoded from the parsed value."""
    if result is None or "key_moments" not in result:
        return "null"
    moments = result["key_moments"]
    if next(reversed(result)) == "key_moments" and stored is not None and stored.endswith("]}"):
        before = _encode({key: value for key, value in result.items() if key != "key_moments"})
        head = '{"key_moments":' if before == "{}" else before[:-1] + ',"key_moments":'
        if stored.startswith(head) and stored[len(head)] == "[":
            return stored[len(head):-1]
    return _encode(moments)


class _JsonWriter:
    """The JSON export document, written attempt by attempt so a large history never sits in
    memory: {format, format_version, exported_at, profile, attempts: [...]}. `head=False`:
    a later part of the document, where every attempt follows another."""

    def __init__(self, stream: TextIO, profile: str | None, *, head: bool = True) -> None:
        self.stream = stream
        if head:
            header = {"format": JSON_FORMAT, "format_version": JSON_FORMAT_VERSION,
                      "exported_at": iso_timestamp(), "profile": profile}
            stream.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "attempts": [')
        self.count = 0 if head else 1

    def add(self, row: AttemptRow, result: tuple[dict | None, str] | None = None) -> None:
        self.stream.write(("\n  " if self.count == 0 else ",\n  ") + json_record_text(row, result))
        self.count += 1

    def close(self) -> None:
        self.stream.write(_JSON_END)


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


class ExportTargetError(Exception):
    """An output path the export will not write to (a device, a symbolic link); str() says why."""


def _target_kind(path: Path) -> str:
    """'file' (write beside it and rename into place), 'stream' (a FIFO: write straight into
    it) or raise ExportTargetError. Renaming over a FIFO, a device or a symbolic link would
    replace it with a plain file (as root, `-o /dev/null` replaced the device)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "file"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            target = None
        if target is not None and stat.S_ISFIFO(target.st_mode):
            return "stream"  # e.g. /dev/fd/63 from a shell's >(...): a pipe behind a link
        raise ExportTargetError(f"{path} is a symbolic link; refusing to replace it (name the real file, "
                                "or use '-o -' to write to standard output)")
    if stat.S_ISFIFO(info.st_mode):
        return "stream"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
        raise ExportTargetError(f"{path} is a device; refusing to write to it (use '-o -' for standard output)")
    if stat.S_ISSOCK(info.st_mode):
        raise ExportTargetError(f"{path} is a socket; refusing to write to it")
    if stat.S_ISDIR(info.st_mode):
        raise ExportTargetError(f"{path} is a folder; name a file, or use --format all to write into a folder")
    return "file"


def export(store: Store, out: Path, formats: Iterable[str] = FORMATS, *, profile: str | None = None,
           builder: StatementBuilder | None = None) -> ExportResult:
    """Write the chosen formats for `profile` (None: everyone) under `out`, reading the
    history once for all of them. Each file is written to a temporary name and renamed into
    place, so a failed export never leaves a half-written file where one is expected; a FIFO
    is written as a stream; devices and symbolic links are refused (ExportTargetError).
    A long history is written by two processes, half the attempts each (`_write_in_halves`);
    the files are the same either way."""
    targets = target_paths(formats, out)
    builder = builder or StatementBuilder()
    kinds = {fmt: _target_kind(path) for fmt, path in targets.items()}  # before writing anything
    files = [fmt for fmt, kind in kinds.items() if kind == "file"]
    new_files = [targets[fmt] for fmt in files if not os.path.lexists(targets[fmt])]
    new_folders: list[Path] = []  # outermost first
    temporaries = {fmt: path.with_name(f".{path.name}.partial") if kinds[fmt] == "file" else path
                   for fmt, path in targets.items()}
    done = False
    try:
        for fmt in files:
            _make_folder(targets[fmt].parent, new_folders)
        written = None
        if all(kind == "file" for kind in kinds.values()):
            written = _write_in_halves(store, temporaries, profile, builder)
        if written is None:
            written = _write_attempts(store, temporaries, profile, builder)
        # side by side: renaming over a long earlier export frees its blocks, which is most of
        # the time a rename takes (tens of milliseconds per 100 MB)
        _side_by_side([partial(os.replace, temporaries[fmt], targets[fmt]) for fmt in files])
        done = True
    finally:
        made = [temporaries[fmt] for fmt in files]  # a failed export's .partial must go
        if not done:
            # and so must whatever else it made, and only that: on a full disk `-o DIR` left
            # an empty DIR. What was there before is never touched; a folder is removed only
            # when empty, so anything someone else put in it meanwhile stays.
            made += [*new_files, *reversed(new_folders)]
        for path in made:
            try:
                path.rmdir() if path in new_folders else path.unlink(missing_ok=True)
            except OSError:
                pass
    return ExportResult(tuple(targets.values()), *written)


def _make_folder(folder: Path, made: list[Path]) -> None:
    """Make `folder` and whichever of its parents are missing, adding each one made to `made`."""
    missing = []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs, not ours to remove
        made.append(path)


def _write_attempts(store: Store, paths: dict[str, Path], profile: str | None, builder: StatementBuilder, *,
                    ids: tuple[int | None, int | None] = (None, None), first: bool = True,
                    last: bool = True) -> tuple[int, int]:
    """Write `profile`'s attempts with ids in `ids` (`Store.iter_attempts`) into the files
    `paths` (format -> path); (attempts, statements written). `first`: the files begin here
    (the CSV header, the JSON document's head); `last`: they end here (the JSON document's end)."""
    streams: dict[str, TextIO] = {}
    attempts = statements = 0
    try:
        for fmt, path in paths.items():
            streams[fmt] = path.open("w", encoding="utf-8", newline="")
        csv_writer = None
        if "csv" in streams:
            csv_writer = csv.writer(streams["csv"], lineterminator="\n")
            if first:
                csv_writer.writerow(CSV_COLUMNS)
        json_writer = _JsonWriter(streams["json"], profile, head=first) if "json" in streams else None
        xapi_stream = streams.get("xapi")
        # CSV alone needs only the small summary rows; anything else reads the details too.
        rows = (store.iter_attempt_rows(profile, ids=ids, parse_turns=xapi_stream is not None)
                if json_writer is not None or xapi_stream is not None
                else (AttemptRow(a, "[]", "[]", "[]", None) for a in store.iter_attempts(profile, full=False, ids=ids)))
        for row in rows:
            attempts += 1
            if csv_writer is not None:
                csv_writer.writerow(csv_row(row.attempt))
            result = result_and_moments(row) if json_writer is not None or xapi_stream is not None else None
            if json_writer is not None:
                json_writer.add(row, result)
            if xapi_stream is not None:
                turns = row.turns if row.turns is not None else loads(row.turns_json, [])
                lines = list(builder.lines(row.attempt, turns=turns,
                                           moods_json=row.moods_json, result=result[0]))
                if lines:
                    xapi_stream.write("\n".join(lines) + "\n")  # one write per attempt, not per line
                    statements += len(lines)
        if json_writer is not None and last:
            json_writer.close()
        for stream in streams.values():
            stream.close()
    finally:
        for stream in streams.values():
            try:
                stream.close()  # a full disk fails again here; the caller removes the file
            except OSError:
                pass
    return attempts, statements


# From this many attempts on, an export is shared out between two processes: below it,
# forking (and importing what forks) costs about what it saves.
SHARE_OUT_FROM = 2_000


def _write_in_halves(store: Store, paths: dict[str, Path], profile: str | None,
                     builder: StatementBuilder) -> tuple[int, int] | None:
    """`_write_attempts` for a long history on a machine with a second core: a forked
    process writes each half of the attempts (the first into `paths`, the second into files
    beside them, appended to the first afterwards), each reading the database through a
    connection of its own. None, and the caller writes everything itself, when the history
    is short, the store lives in memory, fork is not the way here, or a process fails (a
    damaged file included: read in one process, it is reported as one), or for the CSV alone."""
    if "json" not in paths and "xapi" not in paths:
        return None  # the CSV alone reads the small rows only: a second process saves nothing
    shared = store.shared_file()
    middle = store.middle_id(profile, at_least=SHARE_OUT_FROM) if shared is not None else None
    if middle is None or _usable_cpus() < 2:
        return None
    from simulator.engine.forked import run_forked  # imported here: it brings numpy

    def half(part_paths: dict[str, Path], ids: tuple[int | None, int | None], first: bool):
        def write() -> tuple[int, int]:
            reader = open_store(shared, read_only=True)
            try:
                written = _write_attempts(reader, part_paths, profile, builder, ids=ids, first=first, last=False)
                if reader.notices:
                    raise RecordsError("the records file is damaged")
                return written
            finally:
                reader.close()
        return write

    seconds = {fmt: path.with_name(f"{path.name}-2") for fmt, path in paths.items()}
    try:
        halves = run_forked([half(paths, (None, middle), True), half(seconds, (middle, None), False)])
        if halves is None:
            return None
        (attempts, statements), (more_attempts, more_statements) = halves
        # the second half's JSON records each follow a comma; without a first half the first must not
        _side_by_side([partial(_append, path, seconds[fmt], skip=1 if fmt == "json" and not attempts else 0,
                               then=_JSON_END.encode() if fmt == "json" else b"")
                       for fmt, path in paths.items()])
        return attempts + more_attempts, statements + more_statements
    finally:
        for path in seconds.values():
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _side_by_side(calls: list[Callable[[], object]]) -> None:
    """Run each call in a thread of its own (they spend their time in the kernel, which
    lets the others run), all of them to the end; then raise the first one's error, if any."""
    if len(calls) < 2:
        for call in calls:
            call()
        return
    errors: list[BaseException | None] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            calls[index]()
        except BaseException as error:  # handed to the caller's thread below
            errors[index] = error

    threads = [threading.Thread(target=run, args=(index,), name="customer-sim-export") for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error


def _append(target: Path, part: Path, *, skip: int = 0, then: bytes = b"") -> None:
    """Add `part`'s bytes from `skip` on, then `then`, to the end of `target`: copied by the
    kernel where it can (copy_file_range), else through a buffer."""
    with part.open("rb") as source, target.open("r+b") as sink:
        end = sink.seek(0, os.SEEK_END)
        size = os.fstat(source.fileno()).st_size
        done = min(skip, size)
        try:
            while done < size:
                copied = os.copy_file_range(source.fileno(), sink.fileno(), size - done, done, end + done - skip)
                if not copied:
                    raise OSError("copy_file_range stopped early")
                done += copied
        except (AttributeError, OSError):  # not Linux, or not between these two files
            source.seek(done)
            sink.seek(end + max(done - skip, 0))
            shutil.copyfileobj(source, sink, 1 << 20)
        if then:
            sink.seek(0, os.SEEK_END)
            sink.write(then)


def export_text(store: Store, fmt: str, *, profile: str | None = None,
                builder: StatementBuilder | None = None) -> str:
    """One format as a string (for `-o -`, printing to standard output)."""
    buffer = io.StringIO()
    if fmt == "csv":
        write_csv(store.iter_attempts(profile, full=False), buffer)
    elif fmt == "json":
        writer = _JsonWriter(buffer, profile)
        for row in store.iter_attempt_rows(profile):
            writer.add(row)
        writer.close()
    else:
        write_statements(store.iter_attempts(profile), buffer, builder)
    return buffer.getvalue()
