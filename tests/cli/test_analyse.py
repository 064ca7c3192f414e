"""`customer-sim analyse`: report, JSON contract, library table, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"
FAST = ["--runs", "500"]


def _json(capsys, argv) -> tuple[int, dict, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else None), captured.err


@pytest.fixture
def library(tmp_path):
    """A folder with two valid scenarios (the tour under two ids) and a data folder to ignore."""
    folder = tmp_path / "library"
    folder.mkdir()
    text = TOUR.read_text()
    (folder / "a_tour.yaml").write_text(text)
    (folder / "b_tour.yml").write_text(text.replace("id: format-tour", "id: second-tour"))
    (folder / "data").mkdir()
    (folder / "notes.txt").write_text("not a scenario")
    return folder


def test_text_report_has_every_section(capsys):
    assert main(["analyse", str(TOUR), *FAST]) == 0
    out = capsys.readouterr().out
    for heading in ("Reachability", "Endings", "Best path: A", "Worst path: F", "Skill chances",
                    "Random play: 500 play-throughs, seed 0", "Quality gates"):
        assert heading in out, heading
    assert "--choices 1,1,1,1,1" in out
    assert "manager" in out and "never reached" in out
    assert "FAIL  every ending reachable" in out
    assert "Library summary" not in out  # one file: no library table


def test_json_contract_and_byte_identical_output(capsys):
    argv = ["analyse", str(TOUR), "--format", "json", "--seed", "4", *FAST]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first
    document = json.loads(first)
    settings = {"seed": 4, "runs": 500, "tree_limit": 300000, "sweep_limit": 5000000, "min_skill_chances": 2}
    assert {key: document["settings"].get(key) for key in settings} == settings
    assert document["library"] is None
    (report,) = document["scenarios"]
    assert report["scenario"] == "format-tour"
    assert report["best"]["grade"] == "A" and report["worst"]["grade"] == "F"
    assert report["random_play"]["runs"] == 500 and report["random_play"]["seed"] == 4
    assert {e["ending"] for e in report["endings"] if not e["reachable"]} == {"manager"}
    failed = [g["gate"] for g in report["gates"] if not g["ok"]]
    # the tour is a format reference, not a library scenario: it is too small and never provokes
    assert failed[:2] == ["every ending reachable", "each skill scorable on every path"]
    assert "15 to 40 nodes" in failed and "best path graded A" not in failed
    assert all(set(g) == {"gate", "ok", "detail", "replay"} for g in report["gates"])
    assert report["numbering"] == "authored"
    assert [s["strategy"] for s in report["surface_strategies"]] == [
        "always first", "always middle", "always last", "always longest", "always shortest", "second longest",
        "second shortest", "second longest, longer of two", "second shortest, shorter of two", "middle length",
        "most numbers and times", "fewest negatives", "most sentences", "says sorry", "asks a question"]
    assert len(report["node_moods"]) == report["nodes"] and report["node_moods"]["opening"]
    for reaches in report["node_moods"].values():
        assert all(set(r) == {"expression", "line", "prefixes"} for r in reaches)


def test_best_path_plays_back_through_run(capsys):
    code, document, _ = _json(capsys, ["analyse", str(TOUR), "--format", "json", "--runs", "0"])
    assert code == 0
    for key in ("best", "worst"):
        path = document["scenarios"][0][key]
        choices = ",".join(map(str, path["choices"]))
        code, played, _ = _json(capsys, ["run", str(TOUR), "--choices", choices, "--format", "json"])
        assert code == 0
        assert (played["grade"], played["overall"], played["outcome"]) == (path["grade"], path["overall"],
                                                                             path["outcome"])


def test_folder_gives_a_library_table(library, capsys):
    assert main(["analyse", str(library), *FAST]) == 0
    out = capsys.readouterr().out
    table = out[out.index("Library summary (2 scenarios)"):]
    rows = [line for line in table.splitlines() if line.startswith(("format-tour ", "second-tour "))]
    assert len(rows) == 2
    assert rows[0].split()[:5] == ["format-tour", "6", "5", "A", "F"]
    assert "failed gates" in table


def test_folder_json_library_rows(library, capsys):
    code, document, _ = _json(capsys, ["analyse", str(library), "--format", "json", *FAST])
    assert code == 0
    assert [row["scenario"] for row in document["library"]] == ["format-tour", "second-tour"]
    row = document["library"][0]
    assert (row["nodes"], row["endings"], row["best"], row["worst"], row["difficulty"]) == (6, 5, "A", "F", 1)
    assert row["median_grade"] == document["scenarios"][0]["random_play"]["median_grade"]


def test_several_files_also_give_the_table(capsys):
    assert main(["analyse", str(TOUR), str(TOUR), "--runs", "0"]) == 0
    assert "Library summary (2 scenarios)" in capsys.readouterr().out


def test_invalid_scenario_exits_1_and_the_valid_ones_are_still_analysed(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text(TOUR.read_text().replace("next: story\n", "next: stroy\n", 1))
    code, document, err = _json(capsys, ["analyse", str(broken), str(TOUR), "--format", "json", "--runs", "0"])
    assert code == 1
    assert "broken.yaml:" in err and "error[" in err and "stroy" in err
    assert [s["scenario"] for s in document["scenarios"]] == ["format-tour"]


def test_check_turns_gate_failures_into_exit_1(capsys):
    assert main(["analyse", str(TOUR), "--runs", "0", "--check", "--min-skill-chances", "0"]) == 1
    capsys.readouterr()


def test_paths_lists_every_play_through(capsys):
    code, document, _ = _json(capsys, ["analyse", str(TOUR), "--format", "json", "--runs", "0", "--paths"])
    paths = document["scenarios"][0]["paths"]
    assert len(paths) == document["scenarios"][0]["search"]["complete_paths"] == 20
    assert paths == sorted(paths, key=lambda p: p["choices"])


@pytest.mark.parametrize("argv, message", [
    (["analyse", "no/such.yaml"], "no such file"),
    (["analyse", str(TOUR), "--runs", "-1"], "at least 0"),
    (["analyse", str(TOUR), "--runs", "many"], "whole number"),
    (["analyse", str(TOUR), "--runs", "2000000"], "more than"),
    (["analyse", str(TOUR), "--format", "xml"], "invalid choice"),
    (["analyse", str(TOUR), "--tree-limit", "0"], "at least 1"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        code = main(argv)
        raise SystemExit(code)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_empty_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["analyse", str(tmp_path)]) == 2
    assert "no scenario files" in capsys.readouterr().err


def test_shipped_library_is_analysed_from_the_folder(capsys, tmp_path):
    """The real folder works end to end (kept cheap: no random play, copies of two files)."""
    shipped = sorted((ROOT / "scenarios").glob("*.yaml"))[:2]
    if len(shipped) < 2:
        pytest.skip("fewer than two shipped scenarios yet")
    for path in shipped:
        shutil.copy(path, tmp_path / path.name)
    code, document, _ = _json(capsys, ["analyse", str(tmp_path), "--format", "json", "--runs", "0"])
    assert code == 0 and len(document["library"]) == 2


GAMED = ROOT / "tests" / "fixtures" / "scenarios" / "gamed_double_charge.yaml"


def test_text_report_says_how_choices_are_numbered_and_shows_moods_and_strategies(capsys):
    assert main(["analyse", str(TOUR), *FAST]) == 0
    out = capsys.readouterr().out
    assert "choices are numbered in authored order; the game shuffles them" in out
    assert "Moods per node" in out and "\n  opening " in out[out.index("Moods per node"):]
    assert "Surface strategies" in out and "always longest" in out


def test_check_prints_every_failing_gate_with_its_replay_command(capsys):
    """Today's double_charge (kept as a fixture) is gamed by always picking the longest reply."""
    code = main(["analyse", str(GAMED), "--check", *FAST])
    out = capsys.readouterr().out
    assert code == 1
    gates = out[out.index("Quality gates"):]
    line = next(x for x in gates.splitlines() if "FAIL  surface strategy fails: always longest" in x)
    replay = gates.splitlines()[gates.splitlines().index(line) + 1].strip()
    assert replay.startswith(f"replay: customer-sim run {GAMED} --seed ") and " --choices " in replay
    assert "FAIL  best path not led by the longest reply" in gates
    assert "warning[S401]" in out and "warning[S403]" in out


def test_check_json_names_the_failing_strategy_with_seed_and_choices(capsys):
    code, document, _ = _json(capsys, ["analyse", str(GAMED), "--check", "--format", "json", *FAST])
    assert code == 1
    (report,) = document["scenarios"]
    longest = next(s for s in report["surface_strategies"] if s["strategy"] == "always longest")
    assert longest["passes"] and longest["median_grade"] in ("A", "B")
    example = longest["example"]
    gate = next(g for g in report["gates"] if g["gate"] == "surface strategy fails: always longest")
    assert not gate["ok"]
    assert gate["replay"] == [f"customer-sim run {GAMED} --seed {example['seed']} --choices "
                              + ",".join(map(str, example["choices"]))]
    assert {w["code"] for w in report["play_warnings"]} >= {"S401", "S403"}


def test_the_replay_command_of_a_failing_strategy_replays_it(capsys):
    """Paste the `replay:` line and `run` plays that attempt: the grade that failed the gate."""
    code, document, _ = _json(capsys, ["analyse", str(GAMED), "--format", "json", "--runs", "0"])
    (report,) = document["scenarios"]
    gate = next(g for g in report["gates"] if g["gate"] == "surface strategy fails: always longest")
    example = next(s for s in report["surface_strategies"] if s["strategy"] == "always longest")["example"]
    (command,) = gate["replay"]
    argv = command.split()[1:]  # drop the program name
    assert argv[:2] == ["run", str(GAMED)]
    code, played, _ = _json(capsys, [*argv, "--format", "json"])
    assert code == 0
    assert (played["grade"], played["overall"], played["outcome"]) == (example["grade"], example["overall"],
                                                                         example["outcome"])
    assert played["passed"]


def test_the_library_summary_lists_replay_commands_for_failed_gates(tmp_path, capsys):
    shutil.copy(GAMED, tmp_path / "gamed.yaml")
    shutil.copy(TOUR, tmp_path / "tour.yaml")
    assert main(["analyse", "--check", str(tmp_path), *FAST]) == 1
    out = capsys.readouterr().out
    table = out[out.index("Library summary (2 scenarios)"):]
    assert f"  surface strategy fails: always longest: replay: customer-sim run {tmp_path / 'gamed.yaml'} --seed " \
        in table


def test_random_only_with_no_runs_says_nothing_was_measured(capsys):
    """As the full report: --runs 0 has no median, grade or distribution (it printed 'median 0 (F)')."""
    assert main(["analyse", str(TOUR), "--random-only", "--runs", "0"]) == 0
    out = capsys.readouterr().out
    assert "0 random play-throughs (--runs 0): nothing measured" in out and "median" not in out
    code, document, _ = _json(capsys, ["analyse", str(TOUR), "--random-only", "--runs", "0", "--format", "json"])
    assert code == 0 and document["random_only"][0]["random_play"] is None
    _, full, _ = _json(capsys, ["analyse", str(TOUR), "--runs", "0", "--format", "json"])
    assert full["scenarios"][0]["random_play"] is None
