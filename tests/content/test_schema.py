"""The JSON Schema editors use (docs/scenario.schema.json) agrees with the loader.

It must be what the generator makes from today's data files, accept every file the loader
accepts cleanly, name exactly the keys the loader knows at every level, and reject the
diagnostic fixtures whose problem a schema can express (unknown keys, wrong names...).
"""

from __future__ import annotations

import importlib.util
import json
import re

import jsonschema
import pytest
import yaml

from simulator.paths import ROOT, SCENARIOS_DIR
from simulator.scenario import catalog as catalog_module
from simulator.scenario import loader

SCHEMA_PATH = ROOT / "docs" / "scenario.schema.json"
FIXTURES = ROOT / "tests" / "fixtures"
TEMPLATE = ROOT / "simulator" / "templates" / "starter.yaml"
CLEAN_FILES = [*sorted(SCENARIOS_DIR.glob("*.yaml")), FIXTURES / "scenarios" / "format_tour.yaml", TEMPLATE]
# Diagnostic codes whose problem is visible to a JSON Schema (the rest need the graph,
# the file's bytes or the mood maths).
SCHEMA_CODES = ("S101", "S102", "S103", "S105", "S106", "S110", "S111", "S112",
                "S202", "S203", "S204", "S205", "S206", "S207", "S208")


def _generator():
    spec = importlib.util.spec_from_file_location("refresh_docs", ROOT / "docs" / "tools" / "refresh_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_schema_file_is_what_the_generator_makes_from_the_data_files(schema):
    assert schema == _generator().expected_schema(), \
        "docs/scenario.schema.json is stale: run .venv/bin/python docs/tools/refresh_docs.py"


@pytest.mark.parametrize("path", CLEAN_FILES, ids=lambda p: p.name)
def test_every_clean_file_validates_against_the_schema(validator, path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def _props(schema, *path):
    node = schema
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize("where, loader_keys, required", [
    (("properties",), loader._TOP_KEYS, loader._TOP_REQUIRED),
    (("properties", "customer", "properties"), loader._CUSTOMER_KEYS, ("name", "persona")),
    (("definitions", "node", "properties"), loader._NODE_KEYS, ("say",)),
    (("definitions", "reply", "properties"), loader._REPLY_KEYS, loader._REPLY_REQUIRED),
    (("definitions", "ending", "properties"), loader._ENDING_KEYS, ("outcome", "text")),
    (("definitions", "trigger", "properties"), loader._TRIGGER_KEYS, ("when", "goto")),
    (("definitions", "condition", "properties"), loader._CONDITION_KEYS, ()),
    (("definitions", "bound", "properties"), catalog_module._BOUND_KEYS, ()),
], ids=["top", "customer", "node", "reply", "ending", "trigger", "condition", "bound"])
def test_schema_names_exactly_the_keys_the_loader_accepts(schema, where, loader_keys, required):
    properties = _props(schema, *where)
    assert set(properties) == set(loader_keys)
    parent = _props(schema, *where[:-1])
    assert parent.get("additionalProperties") is False  # unknown keys are errors, as in the loader
    assert set(required) <= set(parent.get("required", ()))


def test_id_patterns_match_the_loader(schema):
    samples = ["late-refund", "late_refund", "a1", "Late", "-x", "x-", "a--b", "a b", "ok_2", "_x", "x_", "ä"]
    scenario_pattern = re.compile(schema["properties"]["id"]["pattern"])
    node_pattern = re.compile(schema["properties"]["start"]["pattern"])
    for sample in samples:
        assert bool(scenario_pattern.search(sample)) == bool(loader._SCENARIO_ID.match(sample)), sample
        assert bool(node_pattern.search(sample)) == bool(loader._NODE_ID.match(sample)), sample


def _expected_code(path):
    if not path.is_file():
        return None  # e.g. the "unreadable" fixture is a folder
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = re.match(r"# expect: (S\d+)", first)
    return match.group(1) if match else None


SCHEMA_FIXTURES = [p for p in sorted((FIXTURES / "diagnostics").glob("*.yaml")) if _expected_code(p) in SCHEMA_CODES]


def test_there_are_fixtures_for_the_schema_codes():
    assert {_expected_code(p) for p in SCHEMA_FIXTURES} == set(SCHEMA_CODES)


@pytest.mark.parametrize("path", SCHEMA_FIXTURES, ids=lambda p: p.name)
def test_schema_rejects_what_the_loader_rejects(validator, path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert list(validator.iter_errors(data)), f"{path.name} should not validate against the schema"
