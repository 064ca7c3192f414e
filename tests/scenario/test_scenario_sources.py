"""Where scenarios come from: shipped + the user's folder + --scenarios + $CUSTOMER_SIM_SCENARIOS,
listed separately; a folder's own data/ extends the catalog for that folder only; a
conflicting redefinition is a positioned diagnostic that breaks only its own folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from simulator import paths
from simulator.cli import main
from simulator.scenario.catalog import load_catalog
from simulator.scenario.catalog_extend import catalog_for_folder, extension_dir
from simulator.scenario.sources import (EXTRA, SHIPPED, USER, ensure_user_folder, missing_sources,
                                        scenario_sources)
from simulator.ui.library import ScenarioLibrary

FORMAT_TOUR = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "format_tour.yaml"

NEW_PERSONA = """\
schema_version: 1
personas:
  night-shift:
    label: Night shift
    description: Tired after a long shift; short answers, wants it done.
    start: {pleasure: -0.4, arousal: 0.2, dominance: 0.1, heard: 0.0, trust: 0.2, patience: 6}
"""


@pytest.fixture
def user_home(tmp_path, monkeypatch):
    """An isolated user data folder and no extra folders from the environment."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "userdata"))
    monkeypatch.delenv(paths.USER_SCENARIOS_ENV, raising=False)
    return tmp_path / "userdata"


def _trainer_folder(root: Path, persona: str = "night-shift", personas_yaml: str | None = NEW_PERSONA) -> Path:
    """A trainer's folder: the format tour re-cast with `persona`, and optionally data/personas.yaml."""
    folder = root / "trainer"
    folder.mkdir(parents=True)
    text = FORMAT_TOUR.read_text(encoding="utf-8").replace("persona: reasonable", f"persona: {persona}", 1)
    (folder / "night_call.yaml").write_text(text.replace("id: format-tour", "id: night-call", 1), encoding="utf-8")
    if personas_yaml is not None:
        (folder / "data").mkdir()
        (folder / "data" / "personas.yaml").write_text(personas_yaml, encoding="utf-8")
    return folder


def test_sources_come_in_order_and_each_folder_once(user_home, tmp_path, monkeypatch):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    monkeypatch.setenv(paths.USER_SCENARIOS_ENV, os.pathsep.join([str(two), str(one)]))
    sources = scenario_sources([one])
    assert [s.kind for s in sources] == [SHIPPED, USER, EXTRA, EXTRA]
    assert sources[0].path == paths.shipped_scenarios_dir()
    assert sources[1].path == user_home / "scenarios"
    assert [s.path for s in sources[2:]] == [one, two]  # `one` again from the environment is dropped
    assert [s.origin for s in sources[2:]] == ["--scenarios", paths.USER_SCENARIOS_ENV]


def test_the_user_folder_is_created_once_with_a_readme(user_home):
    folder, problem = ensure_user_folder()
    assert problem == "" and folder == user_home / "scenarios"
    readme = folder / "README.txt"
    assert "customer-sim new" in readme.read_text(encoding="utf-8")
    readme.write_text("mine now", encoding="utf-8")
    ensure_user_folder()
    assert readme.read_text(encoding="utf-8") == "mine now"  # never rewritten


def test_an_unusable_user_folder_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    folder, problem = ensure_user_folder(blocker / "scenarios")
    assert "cannot create" in problem and str(blocker) in problem


def test_a_named_folder_that_does_not_exist_is_missing_but_the_user_folder_is_not(user_home, tmp_path):
    sources = scenario_sources([tmp_path / "typo"])
    assert [s.path for s in missing_sources(sources)] == [tmp_path / "typo"]


def test_the_library_lists_shipped_user_and_extra_folders_separately(user_home, tmp_path):
    ensure_user_folder()
    shutil.copy(FORMAT_TOUR, user_home / "scenarios" / "mine.yaml")
    trainer = _trainer_folder(tmp_path)
    library = ScenarioLibrary(scenario_sources([trainer]))
    library.load()
    kinds = [(s.source.kind, len(s.entries)) for s in library.sections]
    shipped = len(list(paths.shipped_scenarios_dir().glob("*.yaml")))
    assert kinds == [(SHIPPED, shipped), (USER, 1), (EXTRA, 1)]
    assert [s.label for s in library.sections[:2]] == ["Shipped library", "Your scenarios"]
    assert library.entries[-1].source.path == trainer
    assert len(library.entries) == shipped + 2


def test_a_folders_data_extends_the_personas_for_that_folder_only(user_home, tmp_path):
    trainer = _trainer_folder(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(trainer / "night_call.yaml", elsewhere / "night_call.yaml")
    library = ScenarioLibrary(scenario_sources([trainer, elsewhere], user=False))
    library.load()
    by_folder = {s.source.path: s for s in library.sections}
    ok = by_folder[trainer].entries[0]
    assert ok.ok, ok.diagnostics
    assert ok.catalog.personas["night-shift"].label == "Night shift"
    assert "night-shift" not in library.catalog.personas  # the shipped catalog is untouched
    other = by_folder[elsewhere].entries[0]
    assert not other.ok and [d.code for d in other.errors] == ["S203"]
    # the command line agrees: the folder validates with its own data, the copy does not
    assert main(["validate", str(trainer)]) == 0
    assert main(["validate", str(elsewhere)]) == 1
    assert main(["run", str(trainer / "night_call.yaml"), "--choices", "1"]) in (0, 1)


def test_a_conflicting_redefinition_is_a_positioned_error_that_breaks_only_its_folder(user_home, tmp_path, capsys):
    conflict = NEW_PERSONA + "  impatient:\n    label: Impatient\n    start: {pleasure: -0.9, patience: 2}\n"
    trainer = _trainer_folder(tmp_path, personas_yaml=conflict)
    library = ScenarioLibrary(scenario_sources([trainer], user=False))
    library.load()
    shipped, mine = library.sections
    assert all(entry.ok for entry in shipped.entries)
    assert mine.catalog is None
    errors = [d for d in mine.catalog_diagnostics if d.code == "S230"]
    assert len(errors) == 1 and (errors[0].line, errors[0].column) == (7, 3)
    assert Path(errors[0].path).resolve() == (trainer / "data" / "personas.yaml").resolve()
    assert "impatient" in errors[0].message and "personas.yaml" in errors[0].message
    assert not mine.entries[0].ok and mine.entries[0].errors[0].code == "S230"
    assert main(["validate", str(trainer)]) == 1
    assert "error[S230]" in capsys.readouterr().out


def test_an_identical_redefinition_is_not_a_conflict(tmp_path):
    base, _ = load_catalog()
    shipped_text = (paths.shipped_data_dir() / "acts.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "copy"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "acts.yaml").write_text(shipped_text, encoding="utf-8")
    catalog, diagnostics = catalog_for_folder(folder, base)
    assert catalog is not None and diagnostics == []
    assert dict(catalog.acts).keys() == dict(base.acts).keys()


def test_rubric_settings_merge_and_a_changed_one_conflicts(tmp_path):
    base, _ = load_catalog()
    folder = tmp_path / "rubric"
    (folder / "data").mkdir(parents=True)
    rubric = folder / "data" / "rubric.yaml"
    (folder / "data" / "acts.yaml").write_text(  # the merged rubric is checked: its acts must exist
        "schema_version: 1\nacts:\n  my-new-act: {label: Mine, skill: calm, polarity: negative}\n", encoding="utf-8")
    rubric.write_text("schema_version: 1\npenalty:\n  my-new-act: -10\n", encoding="utf-8")
    catalog, diagnostics = catalog_for_folder(folder, base)
    assert diagnostics == [] and catalog.rubric["penalty"]["my-new-act"] == -10
    assert catalog.rubric["penalty"]["default"] == base.rubric["penalty"]["default"]
    assert "my-new-act" not in base.rubric["penalty"]  # the base was copied, not changed
    other = "A" if base.rubric["pass_grade"] != "A" else "B"
    rubric.write_text(f"schema_version: 1\npass_grade: {other}\n", encoding="utf-8")
    catalog, diagnostics = catalog_for_folder(folder, base)
    assert catalog is None
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("S230", 2, 1)]
    assert "pass_grade" in diagnostics[0].message


def test_a_mood_model_in_a_folder_is_not_read_and_says_so(tmp_path):
    base, _ = load_catalog()
    folder = tmp_path / "mood"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "mood.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    catalog, diagnostics = catalog_for_folder(folder, base)
    assert catalog is not None and catalog.mood == base.mood
    assert [(d.code, d.severity) for d in diagnostics] == [("S231", "warning")]


def test_the_shipped_folder_is_never_its_own_extension():
    assert extension_dir(paths.shipped_scenarios_dir()) is None


def test_play_exits_1_on_a_missing_folder_before_opening_a_window(user_home, tmp_path, capsys):
    assert main(["play", str(tmp_path / "nowhere")]) == 1
    assert "nowhere" in capsys.readouterr().err
    assert main(["play", "--scenarios", str(tmp_path / "typo"), "--screenshot", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "typo" in err and "--scenarios" in err
    assert not (tmp_path / "x.png").exists()


def test_new_without_a_path_writes_into_the_user_folder(user_home, capsys):
    assert main(["new", "Night call"]) == 0
    written = user_home / "scenarios" / "night-call.yaml"
    assert written.is_file()
    out = capsys.readouterr().out
    assert str(written) in out and "Your scenarios" in out
