"""Shared by `analyse` and `graph`: turn command-line paths into loaded scenarios.

Bad input never raises here: every problem comes back as loader diagnostics, which the
commands print with the loader's own formatter (path:line:col, source line, caret, hint).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadedInputs:
    catalog: object | None = None  # simulator.scenario.catalog_model.Catalog
    scenarios: list = field(default_factory=list)  # loaded Scenario objects, in argument order
    diagnostics: list = field(default_factory=list)  # every Diagnostic seen (errors + warnings)
    failed: bool = False  # the catalog or at least one scenario had errors
    usage_error: str = ""  # a path that does not exist etc.: the caller exits 2


def expand_paths(paths: list[str]) -> tuple[list[Path], str]:
    """Files as given, folders as their top-level *.yaml/*.yml (sorted). Returns (files, error)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            from simulator.scenario.validate import folder_scenario_files

            found = folder_scenario_files(path)  # a FIFO or dangling link is an S010 later
            if not found:
                return [], f"no scenario files (*.yaml, *.yml) in folder {raw}"
            files.extend(found)
        elif path.is_file() or path.exists() or path.is_symlink():
            files.append(path)  # a FIFO, device or broken link: the reader says which (S010)
        else:
            return [], f"no such file or folder: {raw}"
    return files, ""


def load_inputs(paths: list[str]) -> LoadedInputs:
    """Load the shared catalog and every scenario named by `paths` (files or folders)."""
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    result = LoadedInputs()
    files, error = expand_paths(paths)
    if error:
        result.usage_error = error
        return result
    from simulator.scenario.catalog_extend import catalog_for_folder

    base, diagnostics = load_catalog()
    result.diagnostics.extend(diagnostics)
    if base is None:
        result.failed = True
        return result
    # A folder's own data/ (extra personas, acts, rubric settings) serves its scenarios.
    # Several folders with different data/ in one call: each file is loaded against its own,
    # and `catalog` (what the commands score with) is the first folder's.
    folders = {}
    for file in files:
        if file.parent not in folders:
            folders[file.parent] = catalog_for_folder(file.parent, base)
            result.diagnostics.extend(folders[file.parent][1])
    result.catalog = folders[files[0].parent][0] if files else base
    if any(found is None for found, _ in folders.values()):
        result.failed = True
        return result
    for file in files:
        scenario, diagnostics = load_scenario(file, folders[file.parent][0])
        result.diagnostics.extend(diagnostics)
        if scenario is None:
            result.failed = True
        else:
            result.scenarios.append(scenario)
    return result


def print_diagnostics(diagnostics: list, stream=None) -> None:
    """Print diagnostics with the loader's formatter (errors and warnings alike)."""
    if not diagnostics:
        return
    from simulator.scenario.formatting import format_diagnostics

    text = format_diagnostics(diagnostics)
    print(text.rstrip("\n"), file=stream or sys.stderr)
