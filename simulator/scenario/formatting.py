"""Diagnostics as a trainer reads them: compiler-style, with the line and a caret.

    scenarios/shoes.yaml:38:15: error[S201]: 'optoins' is not a node or an ending in this scenario
       |
    38 |         next: optoins
       |               ^~~~~~~
       = hint: did you mean 'options'?
"""

from __future__ import annotations

import unicodedata
from typing import Iterable, Mapping

from simulator.scenario.diagnostics import ERROR, Diagnostic
from simulator.scenario.safe_read import ReadRefused, read_capped
from simulator.scenario.text_clean import LINE_BREAK, UNSAFE

_MAX_SHOWN = 100  # characters of a long source line shown around the column


def format_diagnostic(diagnostic: Diagnostic, line_text: str | None = None) -> str:
    """One diagnostic: the header line, the source line with a caret, then the hint."""
    d = diagnostic
    out = [d.heading]
    if line_text is not None:
        gutter = " " * len(str(d.line))
        shown, caret = _caret_line(line_text, d.column, d.end_column)
        out.append(f"{gutter} |")
        out.append(f"{d.line} | {shown}")
        out.append(f"{gutter} | {caret}")
        if d.hint:
            out.append(f"{gutter} = hint: {d.hint}")
    elif d.hint:
        out.append(f"  = hint: {d.hint}")
    return "\n".join(out)


def format_diagnostics(diagnostics: Iterable[Diagnostic],
                       sources: Mapping[str, str] | None = None) -> str:
    """Every diagnostic formatted, separated by blank lines.

    Source lines come from `sources` (path -> text) when given, else from the files
    themselves; a file that cannot be read just shows no source line.
    """
    texts: dict[str, list[str] | None] = {}
    blocks = []
    for diagnostic in diagnostics:
        lines = texts.get(diagnostic.path, ...)
        if lines is ...:
            lines = _lines(diagnostic.path, sources)
            texts[diagnostic.path] = lines
        line_text = None
        if lines is not None and 1 <= diagnostic.line <= len(lines):
            line_text = lines[diagnostic.line - 1]
        blocks.append(format_diagnostic(diagnostic, line_text))
    return "\n\n".join(blocks)


def summary(diagnostics: Iterable[Diagnostic], files: int) -> str:
    """'2 errors, 1 warning in 3 files' (or 'no problems in 3 files')."""
    diagnostics = list(diagnostics)
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    where = f"{files} file" + ("" if files == 1 else "s")
    if not diagnostics:
        return f"no problems in {where}"
    parts = []
    if errors:
        parts.append(f"{errors} error" + ("" if errors == 1 else "s"))
    if warnings:
        parts.append(f"{warnings} warning" + ("" if warnings == 1 else "s"))
    return f"{', '.join(parts)} in {where}"


def _lines(path: str, sources: Mapping[str, str] | None) -> list[str] | None:
    if sources is not None and path in sources:
        return LINE_BREAK.split(sources[path])  # numbered as the parser numbers them (not splitlines)
    try:  # regular files only, without blocking: the diagnostic may be "this is a FIFO"
        data = read_capped(path, 2 << 20, whole=False)
    except ReadRefused:
        return None
    return LINE_BREAK.split(data.decode("utf-8", errors="replace"))


def _caret_line(text: str, column: int, end_column: int) -> tuple[str, str]:
    """The (possibly shortened) source line and a caret line lined up under it."""
    start = max(column - 1, 0)
    end = max(end_column - 1, start + 1) if end_column else start + 1
    end = min(end, max(len(text), start + 1))
    offset = 0
    if len(text) > _MAX_SHOWN:
        # cut the window before cleaning it: 60,000 diagnostics on one 1 MiB line once
        # meant cleaning that whole line 60,000 times (validate never finished)
        offset = max(0, min(start - _MAX_SHOWN // 3, len(text) - _MAX_SHOWN))
        end = min(end, offset + _MAX_SHOWN)
        text = ("…" if offset else "") + text[offset:offset + _MAX_SHOWN] + \
               ("…" if offset + _MAX_SHOWN < len(text) else "")
        if offset:
            offset -= 1  # the leading ellipsis takes one column
    text = text.replace("\t", " ")  # a tab counts as one column, so show it as one
    text = UNSAFE.sub("\ufffd", text)  # one visible column for each control/bidi character
    pad = _width(text[:start - offset])
    marks = "^" + "~" * max(_width(text[start - offset + 1:end - offset]), 0)
    return text, " " * pad + marks


def _width(text: str) -> int:
    """Terminal columns: wide (East Asian) characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
