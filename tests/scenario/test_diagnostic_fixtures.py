"""One fixture per diagnostic code: each must report exactly its expected diagnostics,
at the expected line and column, and the catalogue and the fixtures must match."""

from __future__ import annotations

import pytest

from simulator.scenario.codes import CODES
from simulator.scenario.formatting import format_diagnostics
from diagnostic_fixtures import all_fixtures, read_fixture, run_fixture

FIXTURE_PATHS = all_fixtures()


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.name for p in FIXTURE_PATHS])
def test_fixture_reports_its_code_at_its_position(path, tmp_path, monkeypatch):
    fixture = read_fixture(path)
    assert fixture.expected, f"{path.name} has no '# expect:' line"
    assert fixture.code in {code for code, _, _ in fixture.expected}
    diagnostics = run_fixture(fixture, tmp_path, monkeypatch)
    found = {(d.code, d.line, d.column) for d in diagnostics}
    assert found == fixture.expected
    # and every one of them prints without trouble, with its hint
    text = format_diagnostics(diagnostics)
    for diagnostic in diagnostics:
        assert f":{diagnostic.line}:{diagnostic.column}: {diagnostic.severity}[{diagnostic.code}]" in text


def test_every_code_has_exactly_one_fixture_named_after_it():
    names = {}
    for path in FIXTURE_PATHS:
        names.setdefault(path.name[:4], []).append(path.name)
    assert sorted(names) == sorted(CODES)
    for code, files in names.items():
        assert files == [f"{code}_{CODES[code].slug}.yaml"]
