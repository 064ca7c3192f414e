"""`customer-sim validate`: compiler-style output, JSON for tools, and the exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from simulator.cli import main
from simulator.paths import DATA_DIR, ROOT, SCENARIOS_DIR

FIXTURES = ROOT / "tests" / "fixtures"
FORMAT_TOUR = FIXTURES / "scenarios" / "format_tour.yaml"
BROKEN = FIXTURES / "diagnostics" / "S201_unknown-target.yaml"
WARNING_ONLY = FIXTURES / "diagnostics" / "S301_unreachable.yaml"


def test_shipped_scenarios_folder_is_clean(capsys):
    assert main(["validate", str(SCENARIOS_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.strip().startswith("no problems in")
    assert "data" not in out  # scenarios/data is a sub-folder: not read as scenarios


def test_errors_print_position_source_caret_and_hint(capsys):
    assert main(["validate", str(BROKEN)]) == 1
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "error[S201]" in line)
    assert header.startswith(f"{BROKEN}:14:15: error[S201]: 'dnoe'")
    at = lines.index(header)
    assert lines[at + 2].endswith("next: dnoe")
    assert lines[at + 3].endswith("^~~~")
    assert "hint: did you mean 'done'?" in lines[at + 4]
    assert lines[-1] == "1 error in 1 file"


def test_json_output_lists_every_diagnostic(capsys):
    assert main(["validate", "--format", "json", str(BROKEN), str(FORMAT_TOUR)]) == 1
    items = json.loads(capsys.readouterr().out)
    assert [(i["code"], i["line"], i["column"], i["severity"]) for i in items] == [
        ("S201", 14, 15, "error")]
    assert set(items[0]) >= {"path", "line", "column", "severity", "code", "message", "hint"}


def test_clean_json_is_an_empty_list(capsys):
    assert main(["validate", "--format", "json", str(FORMAT_TOUR)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_warnings_alone_exit_zero(capsys):
    assert main(["validate", str(WARNING_ONLY)]) == 0
    assert "warning[S301]" in capsys.readouterr().out


def test_missing_path_is_a_usage_error(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_empty_folder_is_a_usage_error(capsys, tmp_path):
    assert main(["validate", str(tmp_path)]) == 2
    assert "no *.yaml" in capsys.readouterr().err


def test_no_path_at_all_checks_the_shipped_library(capsys):
    # `customer-sim validate` with no arguments is the shipped library, wherever it is installed
    code = main(["validate"])
    out = capsys.readouterr().out
    shipped = len(list(SCENARIOS_DIR.glob("*.yaml")))
    assert f"in {shipped} files" in out
    assert code == (1 if "error[" in out else 0)


def test_broken_data_files_are_reported_first(capsys, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    acts = data / "acts.yaml"
    acts.write_text(acts.read_text().replace("    polarity: positive\n", "    polarity: positiv\n", 1))
    assert main(["validate", "--data-dir", str(data), str(FORMAT_TOUR)]) == 1
    out = capsys.readouterr().out
    assert "acts.yaml:" in out and "error[S114]" in out
    assert "fix them before the scenarios can be checked" in out


def test_folder_and_file_arguments_mix(capsys, tmp_path):
    shutil.copy(FORMAT_TOUR, tmp_path / "a.yaml")
    (tmp_path / "notes.txt").write_text("not yaml")
    (tmp_path / "sub").mkdir()
    shutil.copy(BROKEN, tmp_path / "sub" / "broken.yaml")  # sub-folders are not searched
    assert main(["validate", str(tmp_path), str(FORMAT_TOUR)]) == 1  # same id twice
    out = capsys.readouterr().out
    assert "error[S212]" in out and "broken.yaml" not in out


def test_console_entry_point_end_to_end():
    result = subprocess.run([sys.executable, "-m", "simulator", "validate", "--format", "json",
                             str(BROKEN)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["code"] == "S201"
    assert "Traceback" not in result.stderr
