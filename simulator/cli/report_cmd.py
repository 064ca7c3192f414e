"""`customer-sim report`: a team summary from many trainees' exports."""

from __future__ import annotations

import argparse
import sys

HELP = "combine exports (JSON or CSV) from several trainees into a team summary (text, HTML, PNG)"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="attempts.json / attempts.csv files written by `customer-sim export`")
    parser.add_argument("--lrs", action="store_true",
                        help="build the report from the statements in the team's LRS instead of files "
                             "(settings as for `customer-sim lrs check`)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="an .html, .txt or .png file, or a folder (summary.html and summary.txt inside)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the summary table")
    # the same option, meaning and default as `validate --data-dir`: a trainer whose rubric.yaml
    # renames a skill sees that name in the report as in the game
    parser.add_argument("--data-dir", metavar="FOLDER", default=None,
                        help="folder with acts.yaml, personas.yaml, mood.yaml and rubric.yaml whose skill "
                             "labels and pass grade the report uses (default: scenarios/data of this installation)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.records.team_report_exports import report_from_exports
    from simulator.records.team_report_render import render_html, render_text

    if bool(args.files) == bool(args.lrs):
        print("customer-sim report: name the export files, or use --lrs to read the team's LRS (not both)",
              file=sys.stderr)
        return EXIT_USAGE
    catalog, code = _catalog(args.data_dir)
    if catalog is None:
        return code
    if args.lrs:
        report = _from_lrs(catalog)
        if report is None:
            return EXIT_FAILED
    else:
        report = report_from_exports((Path(f) for f in args.files), catalog=catalog)
    text = render_text(report)
    out = Path(args.output)
    if out.suffix.lower() in (".html", ".htm"):
        targets = {out: render_html(report)}
    elif out.suffix.lower() == ".txt":
        targets = {out: text}
    elif out.suffix.lower() == ".png":
        return _write_png(report, out, text, quiet=args.quiet)
    elif out.suffix:
        print(f"customer-sim report: -o {out}: expected a .html, .txt or .png file, or a folder", file=sys.stderr)
        return EXIT_USAGE
    else:
        targets = {out / "summary.html": render_html(report), out / "summary.txt": text}
    try:
        for path, content in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    except OSError as error:
        print(f"customer-sim report: cannot write {error.filename or out}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        sys.stdout.write(text)  # the text ends with the list of skipped files, if any
    else:
        for problem in report.problems:
            print(f"customer-sim report: skipped: {problem}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in targets))
    if not report.rows:  # nothing readable at all: that is a failure, not an empty team
        print("customer-sim report: no attempts could be read from the files given", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _catalog(data_dir: str | None):
    """(the catalog of `data_dir`, default the shipped data; exit code) - (None, code) with the
    problem printed when the folder is missing or its files have errors."""
    from pathlib import Path

    from simulator.paths import DATA_DIR
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.formatting import format_diagnostics

    folder = Path(data_dir) if data_dir else DATA_DIR
    if not folder.is_dir():
        print(f"customer-sim report: error: no such data folder: {folder}", file=sys.stderr)
        return None, EXIT_USAGE
    catalog, diagnostics = load_catalog(folder)
    if catalog is None:
        print(format_diagnostics(diagnostics), file=sys.stderr)
        print(f"customer-sim report: error: the data files in {folder} cannot be used", file=sys.stderr)
        return None, EXIT_FAILED
    return catalog, EXIT_OK


def _from_lrs(catalog):
    """The team report from the LRS's statements, or None (message printed) when it cannot be read."""
    from simulator.records.lrs_client import LrsError
    from simulator.records.team_report_lrs import report_from_lrs
    from simulator.records.lrs_settings import load_settings

    settings = load_settings()
    if not settings.configured:
        for problem in settings.problems:
            print(f"customer-sim report: error: {problem}", file=sys.stderr)
        if settings.missing():
            print(f"customer-sim report: --lrs: no LRS configured: set {', '.join(settings.missing())}",
                  file=sys.stderr)
        return None
    try:
        return report_from_lrs(settings, catalog=catalog)
    except LrsError as error:
        print(f"customer-sim report: --lrs: {error}", file=sys.stderr)
        return None


def _write_png(report, out, text: str, *, quiet: bool) -> int:
    """The skill chart as a PNG, drawn with pygame (already a dependency of the game; the
    records layer itself stays pygame-free). Same layout and colours as the HTML chart."""
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError:
        print("customer-sim report: PNG output needs pygame; use -o summary.html instead", file=sys.stderr)
        return EXIT_FAILED
    from simulator.paths import ASSETS_DIR
    from simulator.records.team_report_render import SKILL_COLOURS
    from simulator.scenario.rubric_terms import SKILLS

    if not report.rows:
        print("customer-sim report: no attempts could be read from the files given", file=sys.stderr)
        return EXIT_FAILED
    pygame.font.init()
    font_path = ASSETS_DIR / "fonts" / "AtkinsonHyperlegible-Regular.ttf"
    font = pygame.font.Font(str(font_path) if font_path.is_file() else None, 14)
    small = pygame.font.Font(str(font_path) if font_path.is_file() else None, 11)
    scenarios = list(report.scenarios.values())
    bar, gap, group_gap, left, top, height = 18, 3, 34, 48, 40, 240
    group = len(SKILLS) * (bar + gap) - gap
    width = max(left + len(scenarios) * (group + group_gap) + 10, 560)
    surface = pygame.Surface((width, top + height + 90))
    surface.fill((255, 255, 255))
    ink, grid = (27, 27, 27), (221, 221, 221)
    surface.blit(font.render("Mean skill score per scenario (0-100)", True, ink), (left, 10))
    for tick in range(0, 101, 20):
        y = top + height - height * tick // 100
        pygame.draw.line(surface, grid, (left, y), (width - 10, y))
        label = small.render(str(tick), True, (85, 85, 85))
        surface.blit(label, (left - 6 - label.get_width(), y - label.get_height() // 2))
    for index, summary in enumerate(scenarios):
        x0 = left + group_gap // 2 + index * (group + group_gap)
        for k, skill in enumerate(SKILLS):
            mean = summary.mean(skill)
            if mean is None:
                continue
            bar_height = round(height * max(0.0, min(100.0, mean)) / 100)
            rect = pygame.Rect(x0 + k * (bar + gap), top + height - bar_height, bar, bar_height)
            pygame.draw.rect(surface, pygame.Color(SKILL_COLOURS[k]), rect)
            value = small.render(f"{mean:.0f}", True, ink)
            surface.blit(value, (rect.centerx - value.get_width() // 2, rect.top - value.get_height()))
        name = summary.scenario_id if len(summary.scenario_id) <= 18 else summary.scenario_id[:17] + "…"
        label = small.render(name, True, ink)
        surface.blit(label, (x0 + group // 2 - label.get_width() // 2, top + height + 6))
    pygame.draw.line(surface, ink, (left, top + height), (width - 10, top + height))
    x = left
    for skill, colour in zip(SKILLS, SKILL_COLOURS):  # legend: colour plus name, never colour alone
        pygame.draw.rect(surface, pygame.Color(colour), (x, top + height + 40, 12, 12))
        label = font.render(report.terms.label(skill), True, ink)
        surface.blit(label, (x + 16, top + height + 38))
        x += 16 + label.get_width() + 18
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surface, str(out))
    except (OSError, pygame.error) as error:
        print(f"customer-sim report: cannot write {out}: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not quiet:
        sys.stdout.write(text)
    print(f"wrote {out}")
    return EXIT_OK
