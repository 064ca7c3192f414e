"""The scenarios the game offers: every file in a folder (or one file), loaded or broken.

A file that fails validation stays in the list with its diagnostics, so the picker can show
its first error and the trainer can fix it and press F5; the other files stay playable.
No pygame here: the library is plain data the scenes display.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from simulator.paths import DATA_DIR
from simulator.scenario.diagnostics import ERROR, Diagnostic

log = logging.getLogger(__name__)

SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ScenarioEntry:
    """One scenario file: the loaded scenario, or None with the reasons."""

    path: Path
    scenario: object | None  # simulator.scenario.model.Scenario
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == ERROR)

    @property
    def first_error(self) -> str:
        """`file:line: message` of the first error, or ''."""
        for diag in self.errors:
            return f"{Path(diag.path).name}:{diag.line}: {diag.message}"
        return ""

    @property
    def title(self) -> str:
        scenario = self.scenario
        return getattr(scenario, "title", "") or getattr(scenario, "id", "") or self.path.stem

    @property
    def scenario_id(self) -> str:
        return getattr(self.scenario, "id", "") or self.path.stem


def scenario_files(source: Path) -> list[Path]:
    """The scenario files a path names: itself, or a folder's top-level *.yaml/*.yml."""
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(p for p in source.iterdir()
                      if p.is_file() and p.suffix.lower() in SCENARIO_SUFFIXES and not p.name.startswith("."))
    return []


def _internal_error(path: Path, error: Exception) -> Diagnostic:
    return Diagnostic(str(path), 1, 1, ERROR, "G001",
                      f"could not be loaded ({type(error).__name__}: {error})",
                      "run `customer-sim validate` on it for details")


class ScenarioLibrary:
    """The catalog plus one entry per scenario file under `source`."""

    def __init__(self, source: Path, data_dir: Path = DATA_DIR) -> None:
        self.source = Path(source)
        self.data_dir = Path(data_dir)
        self.catalog = None
        self.catalog_diagnostics: tuple[Diagnostic, ...] = ()
        self.entries: list[ScenarioEntry] = []
        self.loaded = False

    @property
    def catalog_errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.catalog_diagnostics if d.severity == ERROR)

    def load(self) -> None:
        """(Re)read the catalog and every scenario file from disk."""
        self._load_catalog()
        self.entries = [self._load_entry(path) for path in scenario_files(self.source)]
        self.loaded = True

    def _load_catalog(self) -> None:
        from simulator.scenario.catalog import load_catalog

        try:
            catalog, diagnostics = load_catalog(self.data_dir)
        except Exception as error:  # a loader bug must not take the game down
            log.exception("catalog could not be loaded")
            catalog, diagnostics = None, [_internal_error(self.data_dir, error)]
        self.catalog = catalog
        self.catalog_diagnostics = tuple(diagnostics)

    def _load_entry(self, path: Path) -> ScenarioEntry:
        if self.catalog is None:
            return ScenarioEntry(path, None, self.catalog_errors or (
                Diagnostic(str(path), 1, 1, ERROR, "G002", "the shared data files failed to load"),))
        from simulator.scenario.loader import load_scenario

        try:
            scenario, diagnostics = load_scenario(path, self.catalog)
        except Exception as error:
            log.exception("scenario %s could not be loaded", path)
            scenario, diagnostics = None, [_internal_error(path, error)]
        return ScenarioEntry(path, scenario, tuple(diagnostics))

    def reload_entry(self, path: Path) -> ScenarioEntry:
        """Re-read the catalog and one file; replaces (or adds) its entry and returns it."""
        self._load_catalog()
        entry = self._load_entry(Path(path))
        for index, old in enumerate(self.entries):
            if old.path == entry.path:
                self.entries[index] = entry
                break
        else:
            self.entries.append(entry)
        return entry

    def entry_for(self, path: Path) -> ScenarioEntry | None:
        for entry in self.entries:
            if entry.path == Path(path):
                return entry
        return None
