"""Running one diagnostic fixture: the directives in its leading comments say how.

    # expect: S201 12:15        a diagnostic that must appear (one line per diagnostic)
    # data-file: acts.yaml      load it as this data file (with the shipped others)
    # max-bytes: 300            lower the file size cap for this fixture
    # with: ../scenarios/x.yaml validate that file first, then this one
    # analyse: yes              also play every path (`customer-sim analyse`) for the S4xx warnings
    # extends: personas.yaml    put it in a scenario folder's data/ under this name

The diagnostics of the fixture's own file must be exactly the expected ones: no more,
so a fixture also proves one mistake gives one message.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from simulator.paths import DATA_DIR
from simulator.scenario import yaml_source
from simulator.scenario.catalog import load_catalog
from simulator.scenario.loader import load_scenario
from simulator.scenario.validate import validate_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "diagnostics"
_DIRECTIVE = re.compile(rb"^#\s*([a-z-]+):\s*(.*?)\s*$")


@dataclass
class Fixture:
    path: Path
    expected: set[tuple[str, int, int]]
    data_file: str = ""
    max_bytes: int = 0
    with_file: str = ""
    analyse: bool = False
    extends: str = ""

    @property
    def code(self) -> str:
        return self.path.name[:4]


def read_fixture(path: Path) -> Fixture:
    header = (path / "EXPECT").read_bytes() if path.is_dir() else path.read_bytes()
    fixture = Fixture(path, set())
    for raw in header.splitlines():
        if not raw.startswith(b"#"):
            break
        match = _DIRECTIVE.match(raw)
        if not match:
            continue
        name, value = match.group(1).decode(), match.group(2).decode()
        if name == "expect":
            code, position = value.split()
            line, column = position.split(":")
            fixture.expected.add((code, int(line), int(column)))
        elif name == "data-file":
            fixture.data_file = value
        elif name == "max-bytes":
            fixture.max_bytes = int(value)
        elif name == "with":
            fixture.with_file = value
        elif name == "analyse":
            fixture.analyse = value == "yes"
        elif name == "extends":
            fixture.extends = value
    return fixture


def all_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if re.match(r"S\d{3}_", p.name))


def run_fixture(fixture: Fixture, tmp_path: Path, monkeypatch) -> list:
    """The diagnostics reported for the fixture's own file."""
    if fixture.data_file:
        data_dir = tmp_path / "data"
        shutil.copytree(DATA_DIR, data_dir)
        target = data_dir / fixture.data_file
        shutil.copyfile(fixture.path, target)
        _, diagnostics = load_catalog(data_dir)
        return [d for d in diagnostics if Path(d.path).resolve() == target.resolve()]
    catalog, problems = load_catalog()
    assert catalog is not None, problems
    if fixture.extends:
        from simulator.scenario.catalog_extend import catalog_for_folder

        target = tmp_path / "data" / fixture.extends
        target.parent.mkdir()
        shutil.copyfile(fixture.path, target)
        _, diagnostics = catalog_for_folder(tmp_path, catalog)
        return [d for d in diagnostics if Path(d.path).resolve() == target.resolve()]
    if fixture.max_bytes:  # after the catalog: the shipped data files are bigger
        monkeypatch.setattr(yaml_source, "MAX_BYTES", fixture.max_bytes)
    if fixture.with_file:
        other = (fixture.path.parent / fixture.with_file).resolve()
        diagnostics = validate_paths([other, fixture.path], catalog)
    else:
        scenario, diagnostics = load_scenario(fixture.path, catalog)
        if fixture.analyse and scenario is not None:
            from simulator.engine.analysis import analyse_with_tree
            from simulator.engine.play_lints import run_play_lints

            analysis, tree = analyse_with_tree(scenario, catalog, runs=0)
            diagnostics = [*diagnostics, *run_play_lints(scenario, tree, analysis)]
    return [d for d in diagnostics if Path(d.path).resolve() == fixture.path.resolve()]
