"""Terminal-safe output: control and invisible characters in anything a command prints are
written as visible escapes, so scenario text can never drive the terminal.

A scenario may spell an escape sequence in a quoted string ("\\e]0;owned\\a" set a
terminal's title through `run` and `validate`), and bidi overrides can make a line read
backwards. `EscapingWriter` wraps stdout and stderr for the whole command: C0 controls
(except newline and tab), DEL, C1 controls and bidi / zero-width characters become
`\\u001b`-style escapes, which are also valid inside JSON strings, so `--format json` stays
parseable and means the same value.
"""

from __future__ import annotations

from typing import TextIO

from simulator.scenario.text_clean import UNSAFE as _UNSAFE


def escape_controls(text: str) -> str:
    """`text` with every unsafe character replaced by its `\\uXXXX` spelling."""
    if text.isprintable() or _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class EscapingWriter:
    """A text stream that escapes unsafe characters and passes everything else through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # flush, fileno, isatty, encoding, buffer ...
        return getattr(self._stream, name)


class escaped_output:
    """Context manager: stdout and stderr escaped while a command runs, restored after."""

    def __enter__(self) -> None:
        import sys

        self._saved = sys.stdout, sys.stderr
        if not isinstance(sys.stdout, EscapingWriter):
            sys.stdout = EscapingWriter(sys.stdout)  # type: ignore[assignment]
        if not isinstance(sys.stderr, EscapingWriter):
            sys.stderr = EscapingWriter(sys.stderr)  # type: ignore[assignment]

    def __exit__(self, *exc) -> None:
        import sys

        sys.stdout, sys.stderr = self._saved
