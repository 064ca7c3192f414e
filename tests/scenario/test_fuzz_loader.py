"""Whatever bytes arrive, the loader answers with diagnostics and never raises.

Random text, random bytes, and random edits of every shipped scenario (the kind of
damage a trainer's editor can do: lines deleted, duplicated, swapped, re-indented,
truncated, stray YAML punctuation) all go through the same load_scenario the CLI uses.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenario_text import load_text
from simulator.paths import SCENARIOS_DIR
from simulator.scenario.codes import CODES
from simulator.scenario.formatting import format_diagnostics

FORMAT_TOUR = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "format_tour.yaml"
SOURCES = [p.read_text(encoding="utf-8") for p in [*sorted(SCENARIOS_DIR.glob("*.yaml")), FORMAT_TOUR]]
SNIPPETS = ["&a ", "*a", "[", "]", "{", "}", ": ", "- ", "? ", "!!str ", "!foo ", "%YAML 1.1\n",
            "\t", "#", "'", '"', "|", ">", "---\n", "...\n", "\x00", "\ufeff", "é", "~", "null",
            "yes", "0x1F", ".inf", "<<: ", "  ", "\n", "next: nowhere", "acts: [nope]"]
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _check(catalog, data):
    scenario, diagnostics = load_text(data, catalog, name="fuzz.yaml")
    for diagnostic in diagnostics:
        assert diagnostic.code in CODES
        assert diagnostic.severity in ("error", "warning")
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.message
    has_errors = any(d.severity == "error" for d in diagnostics)
    assert (scenario is None) == has_errors
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    format_diagnostics(diagnostics, sources={"fuzz.yaml": text})


@st.composite
def mutated(draw):
    lines = draw(st.sampled_from(SOURCES)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent",
                                     "insert", "truncate", "replace-word"]))
        if kind == "delete":
            del lines[at:at + draw(st.integers(1, 5))]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent":
            lines[at] = "  " + lines[at]
        elif kind == "dedent":
            lines[at] = lines[at][2:] if lines[at].startswith("  ") else lines[at]
        elif kind == "insert":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(SNIPPETS) | st.text(max_size=6))
            lines[at] = line[:cut] + piece + line[cut:]
        elif kind == "truncate":
            lines = lines[:at]
        else:
            words = lines[at].split()
            if words:
                word = draw(st.sampled_from(words))
                lines[at] = lines[at].replace(word, draw(st.sampled_from(SNIPPETS)), 1)
    return "".join(lines)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(catalog, text):
    _check(catalog, text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(catalog, data):
    _check(catalog, data)


@FUZZ
@given(mutated())
def test_mutated_shipped_scenarios(catalog, text):
    _check(catalog, text)


@FUZZ
@given(st.sampled_from(SOURCES), st.integers(0, 10**6), st.binary(min_size=1, max_size=3))
def test_corrupted_bytes_in_shipped_scenarios(catalog, source, where, garbage):
    data = source.encode("utf-8")
    where %= len(data)
    _check(catalog, data[:where] + garbage + data[where:])
