"""The printed form: path:line:col: severity[CODE]: message, the line, a caret, a hint."""

from __future__ import annotations

from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.formatting import format_diagnostic, format_diagnostics, summary


def test_header_source_line_caret_and_hint():
    diagnostic = Diagnostic("s.yaml", 2, 9, "error", "S201", "'optoins' is not a node",
                            "did you mean 'options'?", end_column=16)
    text = format_diagnostics([diagnostic], sources={"s.yaml": "nodes:\n  next: optoins\n"})
    assert text.splitlines() == [
        "s.yaml:2:9: error[S201]: 'optoins' is not a node",
        "  |",
        "2 |   next: optoins",
        "  |         ^~~~~~~",
        "  = hint: did you mean 'options'?",
    ]


def test_single_caret_without_an_end_and_gutter_for_long_line_numbers():
    diagnostic = Diagnostic("s.yaml", 120, 3, "warning", "S301", "unreachable")
    lines = format_diagnostic(diagnostic, "  spare: {x}").splitlines()
    assert lines[0] == "s.yaml:120:3: warning[S301]: unreachable"
    assert lines[2] == "120 |   spare: {x}"
    assert lines[3] == "    |   ^"


def test_caret_lines_up_under_wide_characters_and_tabs():
    line = "say: 日本語 oops"
    column = line.index("oops") + 1
    caret = format_diagnostic(Diagnostic("s", 1, column, "error", "S1", "m"), line).splitlines()[3]
    assert caret.index("^") - len("  | ") == len("say: ") + 6 + 1
    tabbed = format_diagnostic(Diagnostic("s", 1, 2, "error", "S003", "m"), "\tx").splitlines()
    assert tabbed[2] == "1 |  x" and tabbed[3] == "  |  ^"


def test_very_long_lines_are_shortened_around_the_column():
    line = "x" * 500 + "HERE" + "y" * 500
    column = 501
    out = format_diagnostic(Diagnostic("s", 1, column, "error", "S1", "m", end_column=505), line)
    shown, caret = out.splitlines()[2], out.splitlines()[3]
    assert len(shown) < 130 and "HERE" in shown
    assert shown[caret.index("^"):caret.index("^") + 4] == "HERE"


def test_missing_file_just_has_no_source_line():
    text = format_diagnostics([Diagnostic("/no/such.yaml", 3, 1, "error", "S010", "cannot read",
                                          "check the path")])
    assert text.splitlines() == ["/no/such.yaml:3:1: error[S010]: cannot read",
                                 "  = hint: check the path"]


def test_summary_counts():
    error = Diagnostic("a", 1, 1, "error", "S1", "m")
    warning = Diagnostic("a", 1, 1, "warning", "S2", "m")
    assert summary([], 1) == "no problems in 1 file"
    assert summary([error, error, warning], 3) == "2 errors, 1 warning in 3 files"
