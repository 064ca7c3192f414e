"""The shared data files load into the catalog, and their mistakes come out as
diagnostics with positions, just like a scenario's."""

from __future__ import annotations

import shutil

import pytest

from simulator.paths import DATA_DIR
from simulator.scenario.catalog import load_catalog


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_catalog_loads(catalog):
    assert "acknowledge" in catalog.acts and "impatient" in catalog.personas
    assert catalog.mood.dimension_ids[:3] == ("pleasure", "arousal", "dominance")
    assert catalog.mood.expression_ids[0] == "furious"
    assert "walk_out" in catalog.mood.thresholds
    act = catalog.acts["blame-customer"]
    assert act.critical is True and act.polarity == "negative" and act.skill == "calm"
    assert dict(catalog.acts["offer-options"].effect)["trust"] == pytest.approx(0.2)
    assert len(catalog.sha256) == 64


def test_act_and_persona_defaults(data_dir):
    _replace(data_dir / "acts.yaml", "acts:\n", "acts:\n  plain:\n    label: Plain\n"
             "    skill: null\n    polarity: neutral\n")
    catalog, diagnostics = load_catalog(data_dir)
    assert diagnostics == []
    plain = catalog.acts["plain"]
    assert (plain.skill, plain.critical, plain.progress, plain.resolves) == (None, False, False, False)
    assert (plain.effect, plain.lesson, plain.description) == ((), "", "")
    reasonable = catalog.personas["reasonable"]
    assert reasonable.act_gains == () and reasonable.dimension_gains == ()


def test_rubric_is_optional_and_checked_when_present(data_dir):
    (data_dir / "rubric.yaml").unlink(missing_ok=True)
    catalog, diagnostics = load_catalog(data_dir)
    assert diagnostics == [] and dict(catalog.rubric) == {}
    (data_dir / "rubric.yaml").write_text("schema_version: 1\nweights: {calm: 0.2}\nlist: [1, yes]\n")
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None
    unknown = [d for d in diagnostics if d.code == "S115" and "unknown key" in d.message]
    assert [(d.line, d.column) for d in unknown] == [(2, 1), (3, 1)]  # weights, list


def test_hash_changes_when_a_data_file_changes(data_dir):
    before, _ = load_catalog(data_dir)
    _replace(data_dir / "mood.yaml", "decay: 0.15", "decay: 0.2")
    after, _ = load_catalog(data_dir)
    assert before.sha256 != after.sha256


@pytest.mark.parametrize("file, old, new, code, line_text", [
    ("acts.yaml", "effect: {arousal: -0.08, heard: 0.2, dominance: -0.05}",
     "effect: {arousal: -0.08, haerd: 0.2, dominance: -0.05}", "S205", "haerd"),
    ("acts.yaml", "    skill: listening\n", "    skill: listenin\n", "S204", "listenin"),
    ("acts.yaml", "    progress: true\n", "    progress: maybe\n", "S103", "maybe"),
    ("personas.yaml", "      stall: 2.0\n", "      stal: 2.0\n", "S202", "stal"),
    ("personas.yaml", "patience: 5}", "patience: 50}", "S105", "50"),
    ("mood.yaml", "decay: 0.15", "decay: 1.5", "S105", "1.5"),
    ("mood.yaml", "walk_out: {patience: {at_most: 0}}", "walk_out: {patiense: {at_most: 0}}",
     "S205", "patiense"),
    ("mood.yaml", "baseline: 0.1,", "baseline: 3,", "S105", "3,"),
    ("mood.yaml", "repeat_falloff: 0.5\n", "", "S102", None),
    ("personas.yaml", "  hostile:\n", "  hostile:\n    mood: x\n", "S101", "mood"),
])
def test_data_file_mistakes_are_diagnostics_with_positions(data_dir, file, old, new, code, line_text):
    _replace(data_dir / file, old, new)
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None
    assert [d.code for d in diagnostics] == [code]
    found = diagnostics[0]
    assert found.path.endswith(file)
    source_line = (data_dir / file).read_text().splitlines()[found.line - 1]
    if line_text is not None:
        assert source_line[found.column - 1:].startswith(line_text.split(":")[0])


def test_broken_yaml_in_a_data_file(data_dir):
    (data_dir / "personas.yaml").write_text("schema_version: 1\npersonas: [\n")
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None and [d.code for d in diagnostics] == ["S004"]


def test_missing_data_file(data_dir):
    (data_dir / "acts.yaml").unlink()
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None and [d.code for d in diagnostics] == ["S010"]
