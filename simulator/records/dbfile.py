"""The database file itself: connecting, recognising it, and moving a bad one aside.

Kept apart from `store.py` so the rules for "is this file ours, is it healthy, can we write
here" read in one place. Nothing in here deletes a trainee's file: a damaged file of ours is
renamed to `<name>.corrupt-<UTC time>` so a person can still look at it, and a file that is
not ours (`marked_as_ours` is False) is never renamed at all.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from simulator.records.schema import APPLICATION_ID, current_version

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # another copy of the game holding the write lock waits this long
SIDECARS = ("-wal", "-shm", "-journal")

# SQLite result codes (primary, low byte) that mean "the file is not a usable database".
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
# ... and those that mean "we may not or cannot write here".
_CANNOT_WRITE_CODES = {3, 8, 10, 13, 14, 23}  # PERM, READONLY, IOERR, FULL, CANTOPEN, AUTH
_BUSY_CODES = {5, 6}  # BUSY, LOCKED


class NotOurDatabase(Exception):
    """The file is readable but is not a Customer Challenge Simulator records database."""


def error_kind(error: sqlite3.Error) -> str:
    """Classify an sqlite3 error as "corrupt", "cannot-write", "busy" or "other"."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF
        if primary in _CORRUPT_CODES:
            return "corrupt"
        if primary in _CANNOT_WRITE_CODES:
            return "cannot-write"
        if primary in _BUSY_CODES:
            return "busy"
    text = str(error).lower()  # older sqlite3 modules: fall back to the message
    if "not a database" in text or "malformed" in text:
        return "corrupt"
    if "readonly" in text or "unable to open" in text or "disk i/o" in text:
        return "cannot-write"
    if "locked" in text or "busy" in text:
        return "busy"
    return "other"


FULL_BELOW = 1 << 20  # free bytes under which a failed write is put down to a full disk


def disk_full(folder: Path) -> bool:
    """Whether the disk holding `folder` is (nearly) full. SQLite reports a write that ran out
    of room as a disk I/O error as often as "database or disk is full", so a failed write
    asks the disk itself before telling a person what to do about it."""
    import shutil  # only a failed write needs it

    try:
        return shutil.disk_usage(folder).free < FULL_BELOW
    except OSError:
        return False


def header_problem(path: Path) -> str | None:
    """Why `path` cannot be an SQLite database, judged from its first bytes; None if it
    may be one (or does not exist yet, or is empty: SQLite starts those afresh)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "it is a folder, not a file"
    if not head:
        return None
    if head != SQLITE_HEADER:
        return "it is not an SQLite database (unrecognised file header)"
    return None


def marked_as_ours(path: Path) -> bool:
    """True when the file's SQLite header carries our application_id (bytes 68..71), even
    if other parts of the file are damaged: only such a file may ever be moved aside."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    return len(header) == 100 and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when it is gone: tells whether the
    records file is still the one a connection has open."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def connect(path: Path | str, *, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN IMMEDIATE / COMMIT ourselves, so every
    write is one short explicit transaction) with a busy timeout for concurrent copies."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           uri=uri, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def check_identity(conn: sqlite3.Connection) -> int:
    """Raise NotOurDatabase for a foreign SQLite file; return the schema version (0 = new).

    Raises sqlite3.DatabaseError itself for a corrupt file (header fine, pages not)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if app_id == 0 and tables == 0:
        return 0  # brand new (or empty) file: ours to initialise
    if app_id != APPLICATION_ID:
        raise NotOurDatabase("it is an SQLite database made by another program")
    version = current_version(conn)
    # Reading one row of each table touches their root pages: cheap, and it catches the
    # common damage (truncated file, overwritten start) before the game relies on it.
    conn.execute("SELECT COUNT(*) FROM (SELECT id FROM attempts LIMIT 1)").fetchone()
    conn.execute("SELECT COUNT(*) FROM (SELECT name FROM profiles LIMIT 1)").fetchone()
    return version


def quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's own structural check; None when healthy, else its first complaint."""
    rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    first = rows[0][0] if rows else "no answer from quick_check"
    return None if first == "ok" else first


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename `path` (and its -wal/-shm/-journal files) to `<name>.corrupt-<UTC time>`.

    The sidecars keep the matching names so the set can still be opened by hand. Raises
    OSError when the rename is impossible (e.g. a read-only folder)."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():  # two bad files in the same second: never overwrite the first
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    path.rename(target)
    for suffix in SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            try:
                sidecar.rename(target.with_name(target.name + suffix))
            except OSError:
                pass  # the main file is already out of the way; a stray sidecar is harmless
    return target


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """An SQLite URI that opens `path` without ever writing to it (see `reading_uris` for
    which of the two to use: a plain read-only open still makes files beside it)."""
    from urllib.parse import quote

    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    return f"file:{quote(str(path.resolve()))}?{query}"


def reading_uris(path: Path) -> list[tuple[str, bool]]:
    """How to read the database at `path` leaving nothing beside it and changing nothing:
    URIs to try in turn, each with whether it reads every committed turn (False: the
    write-ahead log, if any, is not read, so the newest turns may be missing).

    The one rule for every read-only open (export, lrs status, report, doctor). A plain
    read-only open of a database in WAL mode makes the -wal and -shm files it reads through
    when they are not there (and cannot remove them after), so:
    * WAL mode and no -wal beside it: no copy of the game has it open (the last to close
      removes the log) and every turn is in the file itself. Read it as immutable, which
      takes no locks and makes no file.
    * WAL mode with its -wal and -shm there (the game is running, or was killed): read
      through them, so the newest turns are in; nothing new is made.
    * the rollback journal: a read-only open makes no file and locks properly against a
      writer, so it is the safe way.
    Otherwise, or when that open fails (a read-only folder, a -wal without its -shm), the
    file alone, as immutable."""
    sidecars = {suffix: os.path.lexists(path.with_name(path.name + suffix)) for suffix in ("-wal", "-shm")}
    immutable = read_only_uri(path, immutable=True)
    if _wal_mode(path):
        if not sidecars["-wal"]:
            return [(immutable, True)]
        if not sidecars["-shm"]:
            return [(immutable, False)]
    return [(read_only_uri(path), True), (immutable, not sidecars["-wal"])]


def _wal_mode(path: Path) -> bool:
    """Whether the file's header says it is in WAL mode (format versions 2 at bytes 18-19)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"
