"""Every example in docs/authoring.md is checked, so the guide cannot teach a broken format.

Each ```yaml / ```json block must be preceded by a marker comment saying what it is:

    <!-- example: scenario [choices=1,2] [expect=OUTCOME] [analyse-best=1,2] -->
        a whole file: loads with no diagnostics at all and plays to an ending (with the
        given 1-based choices, or always the first reply), optionally with that outcome
        and that analyser best path
    <!-- example: fragment KIND -->   (top, customer, nodes, node, reply, condition,
        endings, triggers): parses, and validates against the matching part of
        docs/scenario.schema.json (so it uses only known keys and known names)
    <!-- example: data acts|personas --> merged into a copy of scenarios/data/, the
        catalog still loads with no diagnostics
    <!-- example: vscode -->  the VS Code settings: valid JSON pointing yaml.schemas at
        the schema file, for the shipped scenarios

The generated tables must be current (docs/tools/refresh_docs.py --check), and every
`customer-sim` command the guide mentions must exist.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil

import jsonschema
import pytest
import yaml

from simulator.cli import COMMANDS
from simulator.engine.analysis import analyse
from simulator.engine.session import Phase, Session
from simulator.paths import DATA_DIR, ROOT
from simulator.scenario.catalog import load_catalog
from simulator.scenario.loader import load_scenario

GUIDE = ROOT / "docs" / "authoring.md"
SCHEMA = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_MARKER = re.compile(r"<!-- example: (\w+)\s*(.*?) -->\s*$")
# fragment kind -> (path into the schema, how the fragment wraps it)
FRAGMENTS = {
    "customer": (("properties", "customer"), "keyed"),
    "node": (("definitions", "node"), "plain"),
    "reply": (("definitions", "reply"), "plain"),
    "condition": (("definitions", "condition"), "plain"),
    "nodes": (("definitions", "node"), "mapping"),
    "endings": (("definitions", "ending"), "mapping"),
    "triggers": (("definitions", "trigger"), "list"),
    "top": ((), "top"),
}


def _examples():
    text = GUIDE.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        language, body = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _MARKER.match(before.strip())
        options: dict[str, str] = {}
        if marker:
            for word in marker.group(2).split():
                key, _, value = word.partition("=")
                options.update({key: value} if value else {"sub": key})
        found.append((line, language, body, marker.group(1) if marker else None, options))
    return found


EXAMPLES = _examples()
CHECKED = [e for e in EXAMPLES if e[1] in ("yaml", "yml", "json")]


def _id(example):
    return f"line{example[0]}-{example[3]}"


@pytest.fixture(scope="module")
def catalog():
    loaded, diagnostics = load_catalog()
    assert loaded is not None, diagnostics
    return loaded


def test_the_guide_has_examples_of_every_kind():
    kinds = {e[3] for e in CHECKED}
    assert {"scenario", "fragment", "data", "vscode"} <= kinds
    fragments = {e[4].get("sub") for e in CHECKED if e[3] == "fragment"}
    assert set(FRAGMENTS) <= fragments


@pytest.mark.parametrize("example", CHECKED, ids=_id)
def test_every_code_block_is_marked(example):
    line, language, _, kind, _ = example
    assert kind in ("scenario", "fragment", "data", "vscode"), (
        f"docs/authoring.md:{line}: a ```{language} block needs a marker such as "
        f"<!-- example: fragment node --> on the line before it")


def _parse(example):
    line, _, body, _, _ = example
    try:
        return yaml.load(body, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        pytest.fail(f"docs/authoring.md:{line}: the example is not valid YAML: {error}")


SCENARIOS = [e for e in CHECKED if e[3] == "scenario"]


@pytest.mark.parametrize("example", SCENARIOS, ids=_id)
def test_scenario_examples_validate_clean_and_play(example, catalog, tmp_path):
    line, _, body, _, options = example
    path = tmp_path / "example.yaml"
    path.write_text(body, encoding="utf-8")
    scenario, diagnostics = load_scenario(path, catalog)
    assert scenario is not None and diagnostics == [], f"docs/authoring.md:{line}: " + "; ".join(map(str, diagnostics))
    session = Session(scenario, catalog)
    wanted = [int(c) - 1 for c in options["choices"].split(",")] if "choices" in options else []
    for turn in range(60):
        if session.phase is Phase.ENDED:
            break
        session.choose(wanted[turn] if turn < len(wanted) else 0)
    assert session.phase is Phase.ENDED and session.result.ending_id, f"docs/authoring.md:{line}: did not end"
    if "expect" in options:
        assert session.result.outcome == options["expect"], f"docs/authoring.md:{line}"
    if "analyse-best" in options:
        best = analyse(scenario, catalog, runs=200).best
        assert best.choices_text == options["analyse-best"], f"docs/authoring.md:{line}: best is {best.choices_text}"


def test_the_walk_through_fix_makes_the_intended_path_the_best(catalog, tmp_path):
    """Step 8 says adding take-ownership to the reply in `details` fixes the best path."""
    final = [e for e in SCENARIOS if "analyse-best" in e[4]]
    assert final, "the walk-through's last scenario should carry analyse-best="
    line, _, body, _, options = final[-1]
    old = "acts: [paraphrase, apologize, offer-options]"
    assert body.count(old) == 1
    path = tmp_path / "fixed.yaml"
    path.write_text(body.replace(old, "acts: [paraphrase, apologize, take-ownership, offer-options]"), encoding="utf-8")
    scenario, diagnostics = load_scenario(path, catalog)
    assert scenario is not None and diagnostics == []
    assert analyse(scenario, catalog, runs=200).best.choices_text == options["choices"]


def _sub_schema(path):
    node = SCHEMA
    for key in path:
        node = node[key]
    return {**node, "definitions": SCHEMA["definitions"]}


FRAGMENT_EXAMPLES = [e for e in CHECKED if e[3] == "fragment"]


@pytest.mark.parametrize("example", FRAGMENT_EXAMPLES, ids=_id)
def test_fragments_use_only_known_keys_and_names(example):
    line = example[0]
    kind = example[4].get("sub")
    assert kind in FRAGMENTS, f"docs/authoring.md:{line}: unknown fragment kind {kind!r}"
    data = _parse(example)
    path, shape = FRAGMENTS[kind]
    if shape == "top":
        assert isinstance(data, dict) and set(data) <= set(SCHEMA["properties"]), f"docs/authoring.md:{line}"
        checks = [(_sub_schema(("properties", key)), value) for key, value in data.items()]
    elif shape == "keyed":
        assert isinstance(data, dict) and list(data) == [path[-1]], f"docs/authoring.md:{line}"
        checks = [(_sub_schema(path), data[path[-1]])]
    elif shape == "mapping":
        assert isinstance(data, dict) and data, f"docs/authoring.md:{line}"
        checks = [(_sub_schema(path), value) for value in data.values()]
    elif shape == "list":
        assert isinstance(data, list) and data, f"docs/authoring.md:{line}"
        checks = [(_sub_schema(path), value) for value in data]
    else:
        checks = [(_sub_schema(path), data)]
    for schema, value in checks:
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(value)]
        assert errors == [], f"docs/authoring.md:{line}: {errors}"


DATA_EXAMPLES = [e for e in CHECKED if e[3] == "data"]


@pytest.mark.parametrize("example", DATA_EXAMPLES, ids=_id)
def test_data_file_examples_extend_the_catalog_cleanly(example, tmp_path):
    line, _, _, _, _ = example
    target = example[4].get("sub")
    assert target in ("acts", "personas"), f"docs/authoring.md:{line}: data examples extend acts or personas"
    data = _parse(example)
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    file = folder / f"{target}.yaml"
    merged = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert set(data) == {target}, f"docs/authoring.md:{line}"
    assert not set(data[target]) & set(merged[target]), f"docs/authoring.md:{line}: redefines an existing name"
    merged[target].update(data[target])
    file.write_text(yaml.safe_dump(merged, sort_keys=False, allow_unicode=True), encoding="utf-8")
    loaded, diagnostics = load_catalog(folder)
    assert loaded is not None and diagnostics == [], f"docs/authoring.md:{line}: " + "; ".join(map(str, diagnostics))
    assert set(data[target]) <= set(getattr(loaded, target))


def test_vscode_settings_point_at_the_schema_for_the_shipped_scenarios():
    blocks = [e for e in CHECKED if e[3] == "vscode"]
    assert len(blocks) == 1
    settings = json.loads(blocks[0][2])
    schemas = settings["yaml.schemas"]
    assert list(schemas) == ["./docs/scenario.schema.json"]
    assert (ROOT / list(schemas)[0]).is_file()
    assert "scenarios/*.yaml" in schemas["./docs/scenario.schema.json"]
    assert "redhat.vscode-yaml" in GUIDE.read_text(encoding="utf-8")


def test_generated_tables_and_schema_are_current():
    spec = importlib.util.spec_from_file_location("refresh_docs", ROOT / "docs" / "tools" / "refresh_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = GUIDE.read_text(encoding="utf-8")
    assert module.expected_guide(text) == text, \
        "docs/authoring.md tables are stale: run .venv/bin/python docs/tools/refresh_docs.py"
    for block in ("acts", "personas", "mood", "rubric"):
        assert f"<!-- generated:{block} -->" in text


def test_every_act_and_persona_appears_in_the_guide(catalog):
    text = GUIDE.read_text(encoding="utf-8")
    missing = [name for name in [*catalog.acts, *catalog.personas] if f"`{name}`" not in text]
    assert missing == []


def test_every_command_the_guide_mentions_exists():
    text = GUIDE.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"customer-sim (\w+)", text))
    assert mentioned and mentioned <= set(COMMANDS), mentioned - set(COMMANDS)
    for command in ("validate", "run", "analyse", "graph", "play", "new"):
        assert f"customer-sim {command}" in text
    assert "F5" in text
