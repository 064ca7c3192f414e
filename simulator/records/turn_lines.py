"""The records' transcript lines: what is kept for each turn of an attempt, and how a line of
any age is read.

A line is the engine's one turn encoding in its compact form,
`TurnRecord.to_json(compact=True)`, plus `at` (when the turn was played); its `turn` is the
turn's position in the attempt. The records never write a turn any other way.

Records schema 4 and earlier, and JSON exports of format 1, named two keys differently
(`node_id` and `next_id` for `node` and `next`). `upgrade_line` reads those: the schema 5
migration rewrites the stored lines with it, and importing an attempt applies it. Every
other key is kept as it was, so an old line loses nothing.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.turn_record import compact_json
from simulator.records.serialize import dumps, loads, to_jsonable

OLD_NAMES = {"node_id": "node", "next_id": "next"}  # records schema <= 4, export format 1


def turn_line(turn: Any, position: int, at: str) -> dict[str, Any]:
    """The line kept for one turn played at `position` (1-based) at time `at`.

    `turn` is a TurnRecord, or a mapping of its JSON (old key names allowed; what a client
    of the store without the engine's classes hands over)."""
    to_json = getattr(turn, "to_json", None)
    if callable(to_json):
        value = to_json(compact=True)
    else:
        plain = to_jsonable(turn)
        value = compact_json(upgrade_line(plain)) if isinstance(plain, dict) else {}
    line: dict[str, Any] = {"turn": position, "at": at}
    line.update((key, item) for key, item in value.items() if key not in line)
    evidence = [dict(item) if isinstance(item, dict) else item for item in value.get("evidence") or ()]
    for item in evidence:
        if isinstance(item, dict):
            item.setdefault("turn", position)  # a line's evidence names the turn that produced it
    line["evidence"] = evidence
    return line


def upgrade_line(line: Any) -> Any:
    """A transcript line with today's key names; anything not a mapping is returned as it is.
    When a line somehow has both names, today's wins and the old one is dropped."""
    if not isinstance(line, dict) or not any(old in line for old in OLD_NAMES):
        return line
    out: dict[str, Any] = {}
    for key, value in line.items():
        new = OLD_NAMES.get(key)
        if new is None:
            out[key] = value
        elif new not in line:
            out[new] = value
    return out


def upgrade_lines(lines: Any) -> Any:
    """`upgrade_line` for each line of a stored transcript (a list; anything else as it is)."""
    return [upgrade_line(line) for line in lines] if isinstance(lines, list) else lines


def upgrade_lines_text(text: str | None) -> str | None:
    """A stored transcript column (JSON text) with today's key names. Text that does not
    parse is returned unchanged: the readers already treat it as damaged, and a migration
    must not make it worse."""
    lines = loads(text)
    if not isinstance(lines, list):
        return text
    upgraded = upgrade_lines(lines)
    return text if upgraded == lines else dumps(upgraded)
