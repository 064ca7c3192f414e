"""A read leaves no trace: `export` and `lrs status` open the records file read-only and
must leave the folder holding exactly the files it held, the database's bytes as they were.
A plain read-only open of a database in WAL mode made the -wal and -shm files beside it and
left them there. The rule (dbfile.reading_uris) must also still read every committed turn
while the game has the file open, and a database in the rollback-journal mode."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from records_helpers import BAD, GOOD, record_play
from simulator.cli import main
from simulator.records.store import open_store


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _reads(data_dir: Path, out: Path, capsys) -> dict:
    """Run the read-only commands; the attempts the JSON export holds."""
    assert main(["export", "--data-dir", str(data_dir), "-o", str(out)]) == 0
    assert main(["lrs", "status", "--data-dir", str(data_dir)]) == 0
    assert main(["lrs", "status", "--format", "json", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    return json.loads((out / "attempts.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_export_and_lrs_status_leave_the_records_folder_as_it_was(data_dir, scenario, catalog, tmp_path, capsys,
                                                                   journal):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD, profile="Ben")
    if journal == "delete":  # a file system without WAL: the records are in the rollback-journal mode
        conn = sqlite3.connect(data_dir / "records.sqlite3")
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        conn.close()
    before = _files(data_dir)
    assert list(before) == ["records.sqlite3"]
    exported = _reads(data_dir, tmp_path / "out", capsys)
    assert len(exported["attempts"]) == 2
    assert _files(data_dir) == before  # no -wal / -shm left, not a byte changed


def test_while_the_game_has_the_file_open_a_read_sees_every_turn_and_makes_nothing(data_dir, scenario, catalog,
                                                                                   tmp_path, capsys):
    # The game's turns sit in its write-ahead log until a checkpoint: reading the file alone
    # (as immutable) would miss them. Read through the log it keeps; add nothing beside it.
    with open_store(data_dir) as game:
        record_play(game, scenario, catalog, GOOD)
        names = sorted(_files(data_dir))
        assert names == ["records.sqlite3", "records.sqlite3-shm", "records.sqlite3-wal"]
        database, log = (data_dir / name for name in names if name != "records.sqlite3-shm")
        database_bytes, log_bytes = database.read_bytes(), log.read_bytes()
        exported = _reads(data_dir, tmp_path / "out", capsys)
        assert [attempt["grade"] for attempt in exported["attempts"]] == ["A"]
        assert len(exported["attempts"][0]["turns"]) == len(GOOD)
        assert sorted(_files(data_dir)) == names
        assert database.read_bytes() == database_bytes and log.read_bytes() == log_bytes
