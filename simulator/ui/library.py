"""The scenarios the game offers, by source: every file in each folder (or one file).

Sources (simulator.scenario.sources): the shipped library, the user's own folder, folders
from --scenarios and $CUSTOMER_SIM_SCENARIOS; or one file or folder given on the command
line. Each source is a section with its own catalog: the shipped data plus the folder's
own data/ (simulator.scenario.catalog_extend), so a trainer's persona serves that folder.

A file that fails validation stays in the list with its diagnostics, so the picker can show
its first error and the trainer can fix it and press F5; the other files stay playable, and
a folder whose data/ is broken breaks only that folder's scenarios.
No pygame here: the library is plain data the scenes display.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from simulator.paths import DATA_DIR
from simulator.scenario.sources import GIVEN, ScenarioSource
from simulator.scenario.diagnostics import ERROR, Diagnostic

log = logging.getLogger(__name__)

SCENARIO_SUFFIXES = (".yaml", ".yml")
TUTORIAL_ID = "tutorial"  # the shipped first-shift practice call: listed first, marked for new trainees


@dataclass(frozen=True, slots=True)
class ScenarioEntry:
    """One scenario file: the loaded scenario, or None with the reasons."""

    path: Path
    scenario: object | None  # simulator.scenario.model.Scenario
    diagnostics: tuple[Diagnostic, ...] = ()
    catalog: object | None = None  # the catalog it was loaded against (its folder's)
    source: ScenarioSource | None = None  # the section it is listed under

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

    @property
    def is_tutorial(self) -> bool:
        """The practice call a first-time trainee should start with."""
        return self.ok and self.scenario_id == TUTORIAL_ID


def listing_order(entries: list[ScenarioEntry]) -> list[ScenarioEntry]:
    """The tutorial first (a new trainee sees it without scrolling), then the files by name."""
    return sorted(entries, key=lambda entry: not entry.is_tutorial)  # stable: file order otherwise


def scenario_files(source: Path) -> list[Path]:
    """The scenario files a path names: itself, or a folder's top-level *.yaml/*.yml."""
    if source.is_file():
        return [source]
    if source.is_dir():  # a FIFO or dangling link is listed too, with the reason it failed
        from simulator.scenario.validate import folder_scenario_files

        return folder_scenario_files(source)
    return []


def _internal_error(path: Path, error: Exception) -> Diagnostic:
    return Diagnostic(str(path), 1, 1, ERROR, "G001",
                      f"could not be loaded ({type(error).__name__}: {error})",
                      "run `customer-sim validate` on it for details")


@dataclass
class LibrarySection:
    """One source's scenarios, with the catalog they are checked and scored against."""

    source: ScenarioSource
    catalog: object | None = None
    catalog_diagnostics: tuple[Diagnostic, ...] = ()
    entries: list[ScenarioEntry] = field(default_factory=list)
    problem: str = ""  # e.g. the folder could not be created or read

    @property
    def label(self) -> str:
        return self.source.label

    @property
    def catalog_errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.catalog_diagnostics if d.severity == ERROR)


class ScenarioLibrary:
    """The shipped catalog plus, per source, one entry per scenario file.

    `source` is one file or folder (a single section) or a list of ScenarioSource.
    `entries` lists every section's entries in order; `catalog` is the shipped one.
    """

    def __init__(self, source: Path | Sequence[ScenarioSource], data_dir: Path = DATA_DIR) -> None:
        if isinstance(source, (str, Path)):
            self.sources = [ScenarioSource(GIVEN, Path(source), "the command line")]
        else:
            self.sources = list(source)
        if not self.sources:
            raise ValueError("a scenario library needs at least one source")
        self.source = self.sources[0].path
        self.data_dir = Path(data_dir)
        self.catalog = None
        self.catalog_diagnostics: tuple[Diagnostic, ...] = ()
        self.sections: list[LibrarySection] = []
        self.loaded = False

    @property
    def entries(self) -> list[ScenarioEntry]:
        return [entry for section in self.sections for entry in section.entries]

    @property
    def catalog_errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.catalog_diagnostics if d.severity == ERROR)

    def section_for(self, path: Path) -> LibrarySection | None:
        """The section listing `path` (or whose folder holds it)."""
        path = Path(path)
        for section in self.sections:
            if any(entry.path == path for entry in section.entries):
                return section
        for section in self.sections:
            if section.source.path in (path, path.parent):
                return section
        return None

    def load(self) -> None:
        """(Re)read the catalogs and every scenario file from disk."""
        self._load_catalog()
        self.sections = []
        for source in self.sources:
            section = LibrarySection(source)
            self._load_section_catalog(section)
            section.entries = listing_order([self._load_entry(path, section) for path in scenario_files(source.path)])
            self.sections.append(section)
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

    def _load_section_catalog(self, section: LibrarySection) -> None:
        """The shipped catalog extended by the folder's own data/, if it has one."""
        section.catalog, section.catalog_diagnostics = self.catalog, self.catalog_diagnostics
        if self.catalog is None:
            return
        from simulator.scenario.catalog_extend import extend_catalog, extension_dir

        folder = section.source.path if section.source.path.is_dir() else section.source.path.parent
        extension = extension_dir(folder, self.data_dir)
        if extension is None:
            return
        try:
            catalog, diagnostics = extend_catalog(self.catalog, extension)
        except Exception as error:
            log.exception("data files in %s could not be loaded", extension)
            catalog, diagnostics = None, [_internal_error(extension, error)]
        section.catalog, section.catalog_diagnostics = catalog, tuple(diagnostics)

    def _load_entry(self, path: Path, section: LibrarySection) -> ScenarioEntry:
        if section.catalog is None:
            return ScenarioEntry(path, None, section.catalog_errors or (
                Diagnostic(str(path), 1, 1, ERROR, "G002", "the shared data files failed to load"),),
                None, section.source)
        from simulator.scenario.loader import load_scenario

        try:
            scenario, diagnostics = load_scenario(path, section.catalog)
        except Exception as error:
            log.exception("scenario %s could not be loaded", path)
            scenario, diagnostics = None, [_internal_error(path, error)]
        return ScenarioEntry(path, scenario, tuple(diagnostics), section.catalog, section.source)

    def reload_entry(self, path: Path) -> ScenarioEntry:
        """Re-read the catalogs and one file; replaces (or adds) its entry and returns it."""
        path = Path(path)
        if not self.sections:
            self.load()
        section = self.section_for(path) or self.sections[-1]
        self._load_catalog()
        self._load_section_catalog(section)
        entry = self._load_entry(path, section)
        for index, old in enumerate(section.entries):
            if old.path == entry.path:
                section.entries[index] = entry
                break
        else:
            section.entries.append(entry)
        return entry


def open_in_file_manager(folder: Path) -> bool:
    """Ask the desktop to show `folder` in its file manager; False when there is no way to.

    Never waits for the file manager and never raises: the caller shows the path either way.
    """
    import os
    import shutil
    import subprocess
    import sys

    folder = Path(folder)
    if not folder.is_dir() or os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return False  # headless (tests, CI): nothing to show it on
    try:
        if sys.platform == "win32":
            os.startfile(folder)  # type: ignore[attr-defined]  # noqa: S606 - the user's own folder
            return True
        opener = "open" if sys.platform == "darwin" else shutil.which("xdg-open")
        if not opener:
            return False
        subprocess.Popen([opener, str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        return True
    except OSError:
        log.warning("could not open %s in a file manager", folder, exc_info=True)
        return False
