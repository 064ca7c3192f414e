"""`customer-sim doctor`: what this installation is, what it reads and writes, and its health.

For a trainer or IT person answering "why does it not show my scenario" or "where are the
records": versions, the shipped content and the scenario folders in use (with counts and
each folder's data/ extension), the records database and `PRAGMA integrity_check`, the LRS
settings (the secret only as "set"), the SDL video/audio drivers and the optional tools.
Exit status 1 when something the game needs is broken (missing content, shared data
files with errors, a damaged database), else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

HELP = "show versions, the folders in use, the records database's health, LRS settings and optional tools"

OK, WARN, FAIL = "ok", "warning", "problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenarios", action="append", default=[], metavar="DIR",
                        help="also check this scenario folder (as `play --scenarios` would list it)")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="the records folder to check (default: $CUSTOMER_SIM_DATA_DIR or the user data folder)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


class Report:
    """Sections of (name, value, status) rows; any FAIL makes the exit status 1."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, list[tuple[str, str, str]]]] = []

    def section(self, title: str) -> list[tuple[str, str, str]]:
        rows: list[tuple[str, str, str]] = []
        self.sections.append((title, rows))
        return rows

    @property
    def failed(self) -> bool:
        return any(status == FAIL for _, rows in self.sections for _, _, status in rows)

    def text(self) -> str:
        out = []
        for title, rows in self.sections:
            out.append(title)
            width = max((len(name) for name, _, _ in rows), default=0)
            for name, value, status in rows:
                mark = {OK: "", WARN: "  [warning]", FAIL: "  [PROBLEM]"}[status]
                out.append(f"  {name.ljust(width)}  {value}{mark}")
            out.append("")
        out.append("Everything the game needs is in order." if not self.failed
                   else "Some problems need fixing (marked PROBLEM above).")
        return "\n".join(out)

    def as_json(self) -> dict:
        return {"ok": not self.failed,
                "sections": [{"title": title, "items": [{"name": n, "value": v, "status": s} for n, v, s in rows]}
                             for title, rows in self.sections]}


def run(args: argparse.Namespace) -> int:
    report = Report()
    _versions(report.section("Versions"))
    _content(report.section("Shipped content"))
    _folders(report.section("Scenario folders (listed in this order)"), args)
    _records(report.section("Trainee records"), args.data_dir)
    _lrs(report.section("Learning Record Store (LRS)"))
    _display(report.section("Display and sound"))
    _tools(report.section("Optional tools"))
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 1 if report.failed else 0


def _versions(rows) -> None:
    from simulator.cli import version

    rows.append(("customer-sim", version(), OK))
    kind = "standalone build" if getattr(sys, "frozen", False) else "Python package"
    rows.append(("Python", f"{platform.python_version()} ({kind}; {sys.executable})", OK))
    rows.append(("system", f"{platform.system()} {platform.release()} ({platform.machine()})", OK))
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    for label, module in (("pygame-ce", "pygame"), ("numpy", "numpy"), ("PyYAML", "yaml"),
                          ("platformdirs", "platformdirs")):
        try:
            imported = __import__(module)
        except ImportError as error:
            rows.append((label, f"not importable: {error}", FAIL))
            continue
        value = getattr(imported, "__version__", None) or getattr(getattr(imported, "version", None), "ver", "?")
        if module == "pygame":
            value += " (SDL " + ".".join(str(n) for n in imported.get_sdl_version()) + ")"
        if module == "yaml":
            value += " (libyaml: " + ("yes" if getattr(imported, "__with_libyaml__", False) else "no, slower") + ")"
        rows.append((label, value, OK))


def _content(rows) -> None:
    from simulator import paths

    try:
        shipped = paths.shipped_dir()
    except paths.ContentMissing as error:
        rows.append(("shipped content", str(error), FAIL))
        return
    where = "checkout (editable install)" if paths.is_checkout() else "installed package data"
    rows.append(("content folder", f"{shipped} ({where})", OK))
    from simulator.scenario.catalog import load_catalog

    catalog, diagnostics = load_catalog(paths.shipped_data_dir())
    errors = [d for d in diagnostics if d.severity == "error"]
    if catalog is None:
        first = errors[0] if errors else None
        detail = f"; first: {first.path}:{first.line}:{first.column}: {first.message}" if first else ""
        rows.append(("data files", f"{paths.shipped_data_dir()}: {len(errors)} error(s){detail}", FAIL))
    else:
        rows.append(("data files", f"{paths.shipped_data_dir()} ({len(catalog.acts)} acts, "
                                   f"{len(catalog.personas)} personas)", OK))
    fonts = sorted(p.name for p in (paths.assets_dir() / "fonts").glob("*.ttf"))
    rows.append(("fonts", ", ".join(fonts) or "none found (the game falls back to pygame's font)",
                 OK if fonts else WARN))
    template = paths.template_path("starter.yaml")
    rows.append(("starter template", str(template), OK if template.is_file() else FAIL))


def _folders(rows, args: argparse.Namespace) -> None:
    from simulator.scenario.catalog_extend import catalog_for_folder, extension_dir
    from simulator.scenario.sources import SHIPPED, USER, scenario_sources
    from simulator.scenario.validate import expand_paths

    try:
        from simulator.records.location import own_scenarios_dir

        sources = scenario_sources(args.scenarios, user_folder=own_scenarios_dir(args.data_dir))  # as `play` lists
    except Exception as error:  # the shipped content is missing: already reported above
        rows.append(("scenario folders", f"cannot be listed: {error}", FAIL))
        return
    for source in sources:
        label = source.label
        if not source.path.is_dir():
            status = WARN if source.kind == USER else FAIL
            note = " (created when the game first starts)" if source.kind == USER else ""
            rows.append((label, f"{source.path}: no such folder{note}", status))
            continue
        count = len(expand_paths([source.path]))
        value = f"{source.path} ({count} scenario file{'s' if count != 1 else ''})"
        status = OK
        extension = extension_dir(source.path) if source.kind != SHIPPED else None
        if extension is not None:
            catalog, diagnostics = catalog_for_folder(source.path)
            errors = [d for d in diagnostics if d.severity == "error"]
            value += f"; own data/ {'loads' if catalog is not None else f'has {len(errors)} error(s)'}"
            status = OK if catalog is not None else WARN
        rows.append((label, value, status))
    from simulator import paths

    rows.append(("more folders", f"--scenarios DIR, or ${paths.USER_SCENARIOS_ENV} "
                                 f"(folders separated by {os.pathsep!r})", OK))


def _records(rows, data_dir: str | None) -> None:
    from simulator.records.location import database_path

    path = database_path(data_dir)
    rows.append(("data folder", str(path.parent), OK))
    if not path.exists():
        rows.append(("database", f"{path} (not created yet: the first attempt creates it)", OK))
        return
    rows.append(("database", f"{path} ({path.stat().st_size // 1024} KiB)", OK))
    rows.append(("integrity", *_integrity(path)))


def _integrity(path: Path) -> tuple[str, str]:
    """PRAGMA integrity_check on a read-only connection: ('ok', OK) or the first problems.
    Opened the way export reads it (dbfile.reading_uris): no file is made beside it."""
    from simulator.records.dbfile import reading_uris

    problem = ""
    for uri, complete in reading_uris(path):
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=2)
        except sqlite3.Error as error:
            problem = f"cannot be opened: {error}"
            continue
        try:
            results = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as error:
            problem = f"cannot be checked: {error}"
            continue
        finally:
            connection.close()
        if results == ["ok"]:
            return "ok (PRAGMA integrity_check" + (")" if complete else ", without its write-ahead log)"), OK
        return "damaged: " + "; ".join(results[:3]), FAIL
    return problem, FAIL


def _lrs(rows) -> None:
    try:
        from simulator.records.lrs_settings import load_settings
    except ImportError:
        load_settings = None
    if load_settings is not None:
        settings = load_settings()
        if not (settings.endpoint or settings.key or settings.secret or settings.problems):
            rows.append(("settings", "none (attempts stay on this computer; see the README's team records)", OK))
            return
        for line in settings.describe():  # never shows the secret, only "set"
            name, _, value = line.partition(": ")
            rows.append((name, value, OK))
        for problem in settings.problems:
            rows.append(("problem", problem, WARN))
        return
    endpoint = os.environ.get("CUSTOMER_SIM_LRS_ENDPOINT", "")
    key = os.environ.get("CUSTOMER_SIM_LRS_KEY", "")
    if not endpoint and not key:
        rows.append(("settings", "none", OK))
        return
    rows.append(("endpoint", endpoint or "not set", OK))
    rows.append(("key", key or "not set", OK))
    rows.append(("secret", "set" if os.environ.get("CUSTOMER_SIM_LRS_SECRET") else "not set", OK))


@contextlib.contextmanager
def _quiet_stderr():
    """Silence what C libraries print while SDL probes drivers (ALSA's 'cannot find card' ...):
    the row below says the result in plain words."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, AttributeError, ValueError):  # no usable fd 2 (a windowed build): nothing to hide
        yield
        return
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _display(rows) -> None:
    rows.append(("SDL_VIDEODRIVER", os.environ.get("SDL_VIDEODRIVER", "(not set: SDL chooses)"), OK))
    rows.append(("SDL_AUDIODRIVER", os.environ.get("SDL_AUDIODRIVER", "(not set: SDL chooses)"), OK))
    try:
        import pygame

        with _quiet_stderr():
            pygame.display.init()
        try:
            rows.append(("video driver", pygame.display.get_driver(), OK))
        finally:
            pygame.display.quit()
    except Exception as error:  # no display at all: the game cannot open a window here
        rows.append(("video driver", f"none usable: {error}", WARN))
    try:
        import pygame

        with _quiet_stderr():
            pygame.mixer.init()
        try:
            driver = pygame.mixer.get_driver() if hasattr(pygame.mixer, "get_driver") else "initialised"
            rows.append(("audio driver", driver, OK))
        finally:
            pygame.mixer.quit()
    except Exception as error:  # sound is optional: the game plays silently
        rows.append(("audio driver", f"none usable ({error}); the game plays silently", OK))


def _tools(rows) -> None:
    for name, purpose, version_args in (("dot", "Graphviz: `customer-sim graph` writes SVG/PNG", ["-V"]),
                                        ("espeak-ng", "reads the customer's lines aloud (setting)", ["--version"])):
        found = shutil.which(name)
        if not found:
            rows.append((name, f"not found ({purpose}; optional)", OK))
            continue
        rows.append((name, f"{found} {_tool_version(found, version_args)}".rstrip() + f" — {purpose}", OK))


def _tool_version(path: str, args: list[str]) -> str:
    try:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    text = (done.stdout or done.stderr).strip().splitlines()
    return f"({text[0].strip()})" if text else ""
