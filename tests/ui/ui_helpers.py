"""Paths shared by the UI tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORMAT_TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"
SCENARIOS = ROOT / "scenarios"


def scenario_files() -> list[Path]:
    """The reference fixture and every shipped scenario."""
    return [FORMAT_TOUR, *sorted(SCENARIOS.glob("*.yaml"))]
