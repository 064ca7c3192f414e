"""`export -o` onto odd targets (issue 13): a FIFO is written as a stream, devices and
symbolic links are refused with a message and left as they were, and a failed export
leaves no `.partial` file behind, nor any folder it made, and touches nothing that was there."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading

import pytest

from records_helpers import GOOD, record_play
from simulator.cli import main
from simulator.records import exports
from simulator.records.store import open_store


@pytest.fixture()
def history(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
    return data_dir


def test_a_fifo_is_written_as_a_stream_and_stays_a_fifo(history, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["export", "--data-dir", str(history), "--format", "json", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # not replaced by a plain file
    document = json.loads(received[0])
    assert len(document["attempts"]) == 1
    assert not list(tmp_path.glob(".*.partial"))


def test_a_symbolic_link_is_refused_and_its_target_untouched(history, tmp_path, capsys):
    real = tmp_path / "real.csv"
    real.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main(["export", "--data-dir", str(history), "--format", "csv", "-o", str(link)]) == 1
    err = capsys.readouterr().err
    assert "symbolic link" in err and "Traceback" not in err
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep me"


def test_a_device_is_refused(history, capsys):
    assert main(["export", "--data-dir", str(history), "--format", "csv", "-o", os.devnull]) == 1
    assert "is a device" in capsys.readouterr().err
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_a_failed_export_removes_its_partial_file(history, tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "csv_row", broken)
    out = tmp_path / "out.csv"
    assert main(["export", "--data-dir", str(history), "--format", "csv", "-o", str(out)]) == 1
    assert "No space left" in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def _full_disk(monkeypatch) -> None:
    # as above: the disk fills while the rows are written, after the folders were made
    def broken(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports, "csv_row", broken)


def _tree(folder) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("fmt", ["all", "csv"])
def test_a_failed_export_removes_the_folders_it_made(history, tmp_path, monkeypatch, capsys, fmt):
    # `-o DIR` on a full disk left an empty DIR (and its missing parents) behind
    outside = tmp_path / "outside"
    outside.mkdir()
    before = _tree(outside)
    _full_disk(monkeypatch)
    target = outside / "team" / "march" / ("exports" if fmt == "all" else "out.csv")
    assert main(["export", "--data-dir", str(history), "--format", fmt, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {target}: No space left on device; nothing was exported" in err, err
    assert "Traceback" not in err
    assert _tree(outside) == before == {}


def test_a_failed_export_leaves_what_was_there_before_as_it_was(history, tmp_path, monkeypatch, capsys):
    # an earlier export and a file of the team lead's in the folder: kept, byte for byte
    area = tmp_path / "shared"
    folder = area / "exports"
    (folder / "old").mkdir(parents=True)
    (folder / "attempts.csv").write_text("last month's export\n", encoding="utf-8")
    (folder / "old" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = _tree(area)
    _full_disk(monkeypatch)
    assert main(["export", "--data-dir", str(history), "-o", str(folder)]) == 1
    assert "No space left on device; nothing was exported" in capsys.readouterr().err
    assert _tree(area) == before
