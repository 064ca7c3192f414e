"""`make bench`: run every bench module and print one table of figures against budgets.

Each area owns a module `bench/<area>.py` exposing `run() -> list[(name, value, unit, budget,
ok)]`; `budget` is a number in the same unit (the figure must not exceed it), a short text, or
None for an informational row, and `ok` is True/False, or None when there is nothing to judge.
A missing module or one that fails is reported as a row and the others still run: the table
is the product here, so this always exits 0 (budgets are read by people, not gated by CI).
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
import traceback

# Run order: cheapest and most fundamental first.
AREAS: tuple[str, ...] = ("loading", "engine", "analysis", "records", "game")
HEADERS = ("area", "measurement", "value", "budget", "status")


def collect(areas: tuple[str, ...] = AREAS) -> list[tuple[str, str, str, str, str]]:
    """Import and run each bench module; return printable rows (area, name, value, budget, status)."""
    rows: list[tuple[str, str, str, str, str]] = []
    for area in areas:
        module_name = f"bench.{area}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                rows.append((area, "(no bench module yet)", "—", "—", "SKIP"))
                continue
            rows.append((area, "import failed", _short(error), "—", "ERROR"))
            continue
        except Exception as error:  # a broken bench must not hide the others' figures
            rows.append((area, "import failed", _short(error), "—", "ERROR"))
            continue
        try:
            results = list(module.run())
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            rows.append((area, "run() failed", _short(error), "—", "ERROR"))
            continue
        for result in results:
            rows.append((area, *format_result(result)))
    return rows


def format_result(result) -> tuple[str, str, str, str]:
    """(name, value, unit, budget, ok) -> (name, value text, budget text, status)."""
    try:
        name, value, unit, budget, ok = result
    except (TypeError, ValueError):
        return (repr(result)[:40], "?", "—", "ERROR")
    unit = str(unit or "")
    value_text = f"{_number(value)} {unit}".strip()
    if budget is None:
        budget_text = "—"
    elif isinstance(budget, (int, float)):
        budget_text = f"≤ {_number(budget)} {unit}".strip()
    else:
        budget_text = str(budget)
    status = "OK" if ok is True else "OVER" if ok is False else "—"
    return (str(name), value_text, budget_text, status)


def render(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table with aligned columns."""
    table = [HEADERS, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
    lines = []
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    started = time.perf_counter()
    print(f"Customer Challenge Simulator benchmarks — Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs", flush=True)
    rows = collect(AREAS)
    print(render(rows))
    over = sum(row[4] == "OVER" for row in rows)
    errors = sum(row[4] == "ERROR" for row in rows)
    summary = f"{len(rows)} rows, {over} over budget, {errors} errors"
    print(f"\n{summary} ({time.perf_counter() - started:.1f} s)")
    return 0


def _number(value) -> str:
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.01:
            return f"{value:.2g}"
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def _short(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 70 else text[:67] + "..."


if __name__ == "__main__":
    sys.exit(main())
