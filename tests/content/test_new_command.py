"""`customer-sim new`: the starter validates, passes every quality gate, and nothing is ever overwritten."""

from __future__ import annotations

import os

import pytest

from simulator.cli import main
from simulator.cli.new_cmd import TEMPLATE, slug, title_of
from simulator.engine.quality_gates import GATES, library_gates
from simulator.engine.session import Session
from simulator.scenario.catalog import load_catalog
from simulator.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def catalog():
    loaded, diagnostics = load_catalog()
    assert loaded is not None, diagnostics
    return loaded


def test_new_writes_a_starter_that_validates_clean_and_plays_to_delight(tmp_path, monkeypatch, catalog, capsys):
    # without -o the starter goes into the user's own scenario folder, and the command says so
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path / "data"))
    assert main(["new", "Late refund"]) == 0
    written = tmp_path / "data" / "scenarios" / "late-refund.yaml"
    assert f"Wrote {written}" in capsys.readouterr().out
    scenario, diagnostics = load_scenario(written, catalog)
    assert diagnostics == []
    assert scenario.id == "late-refund" and scenario.title == "Late refund"
    report = library_gates(scenario, catalog, diagnostics=diagnostics)
    # the best path plays to delight through the session, as `run --choices` would
    best = report.analysis.best
    session = Session.replay(scenario, catalog, [c - 1 for c in best.choices])
    assert session.result.outcome == "delighted" and session.result.grade == "A"


def test_the_starter_passes_every_quality_gate(catalog):
    """What `customer-sim analyse --check` says about a fresh starter: nothing to fix."""
    scenario, diagnostics = load_scenario(TEMPLATE, catalog)
    report = library_gates(scenario, catalog, diagnostics=diagnostics)
    assert [r.gate for r in report.results] == list(GATES)
    assert report.failure_lines() == []
    assert report.warnings == []
    # and it is not won by pressing the first reply in the order it is written
    session = Session(scenario, catalog)
    while session.result is None:
        session.choose(0)
    assert not session.result.passed


def test_the_starter_passes_analyse_check(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    assert main(["new", "Mine", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["analyse", "--check", str(out), "--runs", "10000"]) == 0
    assert f"Quality gates ({len(GATES)} of {len(GATES)} pass)" in capsys.readouterr().out


def test_new_refuses_to_overwrite_and_leaves_the_file_alone(tmp_path, capsys):
    target = tmp_path / "mine.yaml"
    target.write_text("my afternoon of work\n", encoding="utf-8")
    assert main(["new", "Mine", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "nothing was written" in err and str(target) in err
    assert target.read_text(encoding="utf-8") == "my afternoon of work\n"


def test_output_folder_gets_the_id_as_file_name(tmp_path, catalog):
    assert main(["new", "double-charge-2", "-o", str(tmp_path)]) == 0
    scenario, diagnostics = load_scenario(tmp_path / "double-charge-2.yaml", catalog)
    assert diagnostics == [] and scenario.title == "Double charge 2"


def test_titles_with_quotes_and_colons_stay_valid_yaml(tmp_path, catalog):
    out = tmp_path / "q.yaml"
    assert main(["new", 'Say "no": kindly', "-o", str(out)]) == 0
    scenario, diagnostics = load_scenario(out, catalog)
    assert diagnostics == [] and scenario.title == 'Say "no": kindly' and scenario.id == "say-no-kindly"


def test_a_name_without_letters_or_digits_is_a_usage_error(tmp_path, capsys):
    assert main(["new", "!!!", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "no letters or digits" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def test_a_missing_folder_named_with_a_trailing_slash_is_not_written_as_a_file(tmp_path, capsys):
    # "-o drafts/" names a folder: when it does not exist yet, say so rather than write the
    # starter into a file called "drafts"
    for folder in ("drafts/", "drafts" + os.sep):
        assert main(["new", "x", "-o", str(tmp_path) + os.sep + folder]) == 1
        assert not (tmp_path / "drafts").exists()
        assert "does not exist" in capsys.readouterr().err


def test_a_missing_folder_is_reported_not_raised(tmp_path, capsys):
    assert main(["new", "x", "-o", str(tmp_path / "nope" / "x.yaml")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("name, expected_slug, expected_title", [
    ("Late refund", "late-refund", "Late refund"),
    ("late-refund", "late-refund", "Late refund"),
    ("Café  Order #2", "cafe-order-2", "Café  Order #2"),
    ("wrong_size", "wrong-size", "Wrong size"),
])
def test_names_become_ids_and_titles(name, expected_slug, expected_title):
    assert slug(name) == expected_slug
    assert title_of(name) == expected_title


def test_the_template_itself_is_a_clean_commented_scenario(catalog):
    scenario, diagnostics = load_scenario(TEMPLATE, catalog)
    assert diagnostics == []
    text = TEMPLATE.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 20  # "well commented": the starter explains itself
    for command in ("customer-sim validate", "customer-sim run", "customer-sim analyse", "F5"):
        assert command in text
    assert text.count("\nid: ") == 1 and text.count("\ntitle: ") == 1  # what `new` rewrites


def test_a_full_disk_leaves_no_empty_file_behind(tmp_path, monkeypatch, capsys):
    # the empty file left by a failed write made the next `new` refuse: "already exists"
    import builtins
    import errno

    from simulator.cli import new_cmd

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(new_cmd, "open", lambda *a, **k: FullDisk(builtins.open(*a, **k)), raising=False)
    target = tmp_path / "late.yaml"
    assert main(["new", "Late refund", "-o", str(target)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not target.exists()
