"""Checking many files at once: what `customer-sim validate`, the game and tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic

SCENARIO_SUFFIXES = (".yaml", ".yml")


def folder_scenario_files(folder: Path) -> list[Path]:
    """A folder's top-level *.yaml / *.yml entries, sorted by name: everything so named
    that is not a folder and not hidden (editors' lock files start with a dot).

    A FIFO, a device, a dangling or looping symbolic link is listed too, so the reader
    reports it with a reason (S010) instead of the file silently not being there.
    Sub-folders are not searched, so `scenarios/` does not pick up `scenarios/data/`.
    """
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in SCENARIO_SUFFIXES and not p.name.startswith(".")
                  and not p.is_dir())


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders as their `folder_scenario_files`."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(folder_scenario_files(path))
        else:
            files.append(path)
    return files


def validate_paths(paths: Iterable[str | Path], catalog: Catalog) -> list[Diagnostic]:
    """Load every scenario under `paths` against `catalog`; all their diagnostics, in
    file order. Two files with the same scenario id are reported too (S212)."""
    from simulator.scenario.loader import load_scenario

    diagnostics: list[Diagnostic] = []
    owners: dict[str, str] = {}
    for file in expand_paths(paths):
        scenario, found = load_scenario(file, catalog)
        diagnostics.extend(found)
        if scenario is None:
            continue
        if scenario.id in owners:
            line, column = _id_position(file, scenario)
            diagnostics.append(codes.make("S212", str(file), line, column,
                                          name=scenario.id, other=owners[scenario.id]))
        else:
            owners[scenario.id] = str(file)
    return diagnostics


def _id_position(file: Path, scenario) -> tuple[int, int]:
    """Where `id:` is written (the model keeps the file's span, not the id's)."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    for number, text in enumerate(lines, start=1):
        if text.startswith("id:"):
            return number, len(text) - len(text[3:].lstrip()) + 1
    return scenario.span.line, scenario.span.column
