"""Records must never lose a turn (issue 13): damage found at open, foreign files never
renamed, unsaved turns kept and written in order, a held write lock never blocks a turn,
and the "moved aside" warning reaches a trainee who starts with --profile."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from records_helpers import GOOD, record_play
from simulator.records.store import open_store


def _wreck_middle_pages(db: Path, seed: int = 13) -> None:
    """Random bytes over a few pages in the middle of the file (not the first pages, whose
    tables a plain open reads): what a failing disk or a stray write does."""
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    assert pages > 20
    rng = random.Random(seed)
    for page in rng.sample(range(pages // 3, pages - 2), 4):
        data[page * 4096:(page + 1) * 4096] = rng.randbytes(4096)
    db.write_bytes(bytes(data))


def test_random_bytes_in_middle_pages_are_found_at_open_and_the_file_moved_aside(tmp_path, scenario, catalog):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for n in range(120):
            record_play(store, scenario, catalog, GOOD, profile=f"Trainee {n}")
    _wreck_middle_pages(db)
    damaged = db.read_bytes()
    with open_store(db) as store:
        assert len(store.warnings) == 1
        assert "damaged" in store.warnings[0] and "quick check" in store.warnings[0]
        assert store.saving and store.count() == 0  # a fresh file; play goes on
    (kept,) = tmp_path.glob("records.sqlite3.corrupt-*")
    assert kept.read_bytes() == damaged and kept.name in store.warnings[0]  # nothing deleted


def test_a_healthy_file_opens_without_a_word(tmp_path, scenario, catalog):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for _ in range(30):
            record_play(store, scenario, catalog, GOOD)
    with open_store(db) as store:
        assert store.warnings == () and store.count() == 30


def test_an_sqlite_file_with_our_mark_but_wrecked_pages_is_ours_to_move(tmp_path, scenario, catalog):
    from simulator.records import dbfile

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        record_play(store, scenario, catalog, GOOD)
    assert dbfile.marked_as_ours(db)
    other = tmp_path / "budget.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert not dbfile.marked_as_ours(other)
    (tmp_path / "notes.db").write_text("not a database")
    assert not dbfile.marked_as_ours(tmp_path / "notes.db")
