"""`customer-sim doctor` and `--version`: what is installed and in use, and honest exit codes."""

from __future__ import annotations

import json
import sqlite3

from simulator import paths
from simulator.cli import main, version


def test_version_prints_the_package_version(capsys):
    try:
        main(["--version"])
    except SystemExit as stop:  # argparse's version action exits 0
        assert stop.code == 0
    assert capsys.readouterr().out.strip() == f"customer-sim {version()}"


def test_doctor_reports_versions_folders_records_and_tools(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CUSTOMER_SIM_SCENARIOS", raising=False)
    with sqlite3.connect(tmp_path / "records.sqlite3") as db:
        db.execute("create table t (x)")
    db.close()
    extra = tmp_path / "team"
    extra.mkdir()
    assert main(["doctor", "--scenarios", str(extra)]) == 0
    out = capsys.readouterr().out
    for part in ("customer-sim", "pygame-ce", "numpy", "PyYAML", str(paths.shipped_scenarios_dir()),
                 str(tmp_path / "scenarios"), str(extra), "records.sqlite3", "ok (PRAGMA integrity_check)",
                 "SDL_VIDEODRIVER", "video driver", "dot", "espeak-ng"):
        assert part in out, part


def test_doctor_never_prints_the_lrs_secret(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CUSTOMER_SIM_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI/")
    monkeypatch.setenv("CUSTOMER_SIM_LRS_KEY", "team-key")
    monkeypatch.setenv("CUSTOMER_SIM_LRS_SECRET", "s3cr3t-do-not-show")
    main(["doctor", "--format", "json"])
    out = capsys.readouterr().out
    assert "s3cr3t-do-not-show" not in out
    items = {item["name"]: item["value"] for section in json.loads(out)["sections"] for item in section["items"]}
    assert "127.0.0.1:9" in items["endpoint"] and items["key"].startswith("team-key")
    assert items["secret"].startswith("set")


def test_doctor_exits_1_on_a_damaged_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path))
    (tmp_path / "records.sqlite3").write_bytes(b"this is not a database" * 100)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM" in out and "records.sqlite3" in out


def test_doctor_exits_1_when_a_named_folder_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path))
    assert main(["doctor", "--scenarios", str(tmp_path / "typo")]) == 1
    assert "typo" in capsys.readouterr().out


def test_doctor_checks_a_database_on_a_read_only_medium(tmp_path, monkeypatch):
    from simulator.cli import doctor_cmd
    from simulator.records.store import open_store

    with open_store(tmp_path) as store:
        store.ensure_profile("Ana")
    db = tmp_path / "records.sqlite3"
    real = sqlite3.connect

    def read_only_medium(target, *args, **kwargs):  # where -shm cannot be made: only immutable opens
        if "immutable=1" not in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)

    monkeypatch.setattr(doctor_cmd.sqlite3, "connect", read_only_medium)
    text, status = doctor_cmd._integrity(db)
    assert status == doctor_cmd.OK and text.startswith("ok (PRAGMA integrity_check")
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4080 + b"junk" * 2000)
    text, status = doctor_cmd._integrity(db)
    assert status == doctor_cmd.FAIL and text  # a damaged file is still a failure, with its reason


def test_doctor_data_dir_shows_the_scenario_folder_the_game_would_list(tmp_path, monkeypatch, capsys):
    # `play --data-dir D` lists D/scenarios as "Your scenarios"; doctor --data-dir D must name the same
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("CUSTOMER_SIM_SCENARIOS", raising=False)
    data = tmp_path / "records"
    (data / "scenarios").mkdir(parents=True)
    main(["doctor", "--data-dir", str(data)])
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if "Your scenarios" in row)
    assert str(data / "scenarios") in line, line
