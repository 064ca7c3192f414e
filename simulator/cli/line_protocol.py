"""`customer-sim run SCENARIO --interactive --format json [--seed N]`: drive a play-through
from another program (a test harness, an accessibility tool, a bot) over pipes.

One JSON object per output line, flushed at once:

* while waiting for a reply: ``{"type": "turn", "turn", "customer", "expression",
  "options": [{"number", "text"}, ...], "seed"}`` with the options in the order shown;
* after a line of input that is not a reply number on screen: ``{"type": "error",
  "error": "...", "turn"}``, then the same turn object again;
* when the conversation ends: ``{"type": "result", "result": {...}}``, where ``result`` is
  exactly what ``run --format json`` prints for the same choices and seed;
* when input ends before the conversation does: ``{"type": "closed", "turn", "reason"}``.

Input is one reply number per line (1-based, as shown). End of input ends the run cleanly
(exit 0). Only what the trainee sees is sent: no act tags, no node ids, so a bot gets no hint
the screen would not give.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, TextIO

PROTOCOL_VERSION = 1
_NUMBER = re.compile(r"^[0-9]{1,6}$")  # six digits is far past any node's reply count
MAX_LINE = 64 * 1024  # bytes read per input line; anything longer is one bad line


def encode(message: dict[str, Any]) -> str:
    """One protocol line (no newline). UTF-8 text as it is; JSON already escapes control
    characters, and U+2028/U+2029 are escaped too, so no reader splits a line in two."""
    text = json.dumps(message, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def turn_message(session: Any) -> dict[str, Any]:
    """What is on screen now, as the turn object."""
    return {
        "type": "turn",
        "protocol": PROTOCOL_VERSION,
        "turn": session.turn + 1,
        "customer": session.customer_line,
        "expression": session.expression,
        "options": [{"number": o.number, "text": o.text} for o in session.options],
        "seed": session.seed,
    }


def parse_number(line: str, count: int) -> tuple[int | None, str]:
    """A 1-based reply number from one input line, or (None, why not) for a person to read."""
    text = line.strip()
    if not text:
        return None, f"expected a reply number from 1 to {count}, got an empty line"
    if not _NUMBER.match(text):
        shown = text if len(text) <= 40 else text[:40] + "…"
        if text.isdigit():
            return None, f"{shown!r} is not a reply on screen; pick a number from 1 to {count}"
        return None, f"expected a reply number from 1 to {count}, got {shown!r}"
    number = int(text)
    if not 1 <= number <= count:
        return None, f"{number} is not a reply on screen; pick a number from 1 to {count}"
    return number, ""


def drive(session: Any, read_line: Callable[[], str], out: TextIO,
          report: Callable[[Any], dict[str, Any]], play: Callable[[int], Any] | None = None) -> int:
    """Play `session` to its end from `read_line` (returns '' at end of input), writing the
    protocol to `out`. `report(session)` builds the final result; `play(i)` plays reply i
    (default `session.choose`; a recorded run's goes through its TurnFeed). Returns the exit code (0)."""
    play = play if play is not None else session.choose

    def send(message: dict[str, Any]) -> None:
        out.write(encode(message) + "\n")
        out.flush()

    while session.result is None:
        turn = turn_message(session)
        send(turn)
        line = read_line()
        if line == "":
            send({"type": "closed", "turn": turn["turn"],
                  "reason": "end of input before the conversation ended; nothing was chosen at this turn"})
            return 0
        number, problem = parse_number(line, len(turn["options"]))
        if number is None:
            send({"type": "error", "turn": turn["turn"], "error": problem})
            continue
        play(number - 1)
    send({"type": "result", "result": report(session)})
    return 0


def stdin_reader(stream: TextIO) -> Callable[[], str]:
    """A `read_line` over standard input that never raises on bad bytes (they become U+FFFD)."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        return stream.readline

    def read_line() -> str:
        data = raw.readline(MAX_LINE)
        if not data:
            return ""
        if len(data) == MAX_LINE and not data.endswith(b"\n"):
            while True:  # an endless line: drop the rest of it so it counts as one bad line
                rest = raw.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
        return data.decode("utf-8", errors="replace")

    return read_line
