"""Every command on hostile input (issue 13): a clear message, an exit code, no traceback,
no hang. FIFOs and devices are opened without blocking, so none of these tests can hang."""

from __future__ import annotations

import json
import os

import pytest

from hostile_inputs import branching, small
from simulator.cli import main
from simulator.paths import SCENARIOS_DIR

TOUR = SCENARIOS_DIR / "tutorial.yaml"


def test_run_with_a_5000_digit_choice_says_so(capsys):
    assert main(["run", str(TOUR), "--choices", "1," + "9" * 5000]) == 2
    err = capsys.readouterr().err
    assert "far larger than any node's replies" in err and "Traceback" not in err
    assert len(err) < 400  # the number is not echoed whole


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_validate_refuses_what_is_not_a_regular_file(tmp_path, capsys, make):
    if make == "fifo":
        target = tmp_path / "pipe.yaml"
        os.mkfifo(target)
        kind = "FIFO"
    else:
        target, kind = "/dev/zero", "device"
    assert main(["validate", str(target)]) == 1
    err_out = "".join(capsys.readouterr())
    assert "S010" in err_out and kind in err_out


def _export_json(tmp_path, body: str, name: str = "attempts.json"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_report_skips_hostile_files_with_a_reason_each(tmp_path, capsys):
    deep = _export_json(tmp_path, '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}", "deep.json")
    digits = _export_json(tmp_path, '{"format": "x", "n": ' + "9" * 5000 + "}", "digits.json")
    header = "profile,scenario_id,status,overall,calm,listening,empathy,solutions,follow_up\n"
    wide = _export_json(tmp_path, header + '"' + "a" * 200_000 + '",s,finished,1,1,1,1,1,1\n', "wide.csv")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    out = tmp_path / "summary.txt"
    assert main(["report", str(deep), str(digits), str(wide), str(fifo), "/dev/zero", "-o", str(out)]) == 1
    said = "".join(capsys.readouterr())
    assert "Traceback" not in said
    for reason in ("nested too deeply", "4300 digits", "wide.csv:2: skipped the rest of the file",
                   "pipe.csv: skipped: it is a FIFO", "/dev/zero: skipped: it is a device"):
        assert reason in said, reason


@pytest.mark.parametrize("body", ["\0" * 300_000, "a" * 200_000 + ",b\n1,2\n"])
def test_report_names_a_first_line_it_cannot_read(tmp_path, capsys, body):
    # a file of NULs (a sparse or zeroed file) or a 200 KB first line raised csv.Error
    path = _export_json(tmp_path, body, "zeros.json")
    assert main(["report", str(path), "-o", str(tmp_path / "team.txt")]) == 1
    said = "".join(capsys.readouterr())
    assert f"{path}:1: not a customer-sim CSV export:" in said and "Traceback" not in said


def test_analyse_takes_a_memory_limit_and_reports_what_it_sampled(tmp_path, capsys):
    path = tmp_path / "branching.yaml"
    path.write_text(branching(300), encoding="utf-8")
    assert main(["analyse", str(path), "--format", "json", "--memory-limit", "32", "--runs", "2000"]) in (0, 1)
    document = json.loads(capsys.readouterr().out)
    assert document["settings"]["memory_limit_mb"] == 32
    budget = document["scenarios"][0]["budget"]
    assert budget["memory_limit_mb"] == 32 and budget["sampled"]
    main(["analyse", str(path), "--memory-limit", "32", "--runs", "2000"])
    text = capsys.readouterr().out
    assert "budget: 32 MB memory" in text and "sampled:" in text


def test_analyse_memory_limit_must_be_a_number(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["analyse", str(TOUR), "--memory-limit", "lots"])
    assert stopped.value.code == 2


@pytest.mark.parametrize("option", ["--seed", "--runs", "--memory-limit", "--time-limit"])
@pytest.mark.parametrize("value, says", [("9" * 6000, "has far too many digits"),
                                         ("x" * 6000, "must be a whole number")])
def test_analyse_numbers_are_never_echoed_whole(capsys, option, value, says):
    # a 6,000-digit --runs was printed back in full and called "not a whole number"
    with pytest.raises(SystemExit) as stopped:
        main(["analyse", str(TOUR), f"{option}={value}"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and f"{option} " in err and says in err
    assert len(err.splitlines()[-1]) < 200


def test_a_portrait_path_with_a_nul_is_an_error_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "nul.yaml"
    path.write_text(small(extra_customer='  portraits: {angry: "a\\0b.png"}\n'), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "S108" in out and "\\u0000" in out and "\x00" not in out
