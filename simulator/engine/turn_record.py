"""One turn of a conversation (`TurnRecord`), the replies on screen (`ReplyOption`), and the
turn's JSON encoding: `TurnRecord.to_json()` / `TurnRecord.from_json()` are the one place a
turn becomes JSON and is read back. Snapshots store it, `run --format json` prints it, and
the records keep `to_json(compact=True)` per turn (the readers check every field and name the
bad one in a `SnapshotError`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from simulator.engine.rubric_facts import Evidence


class SnapshotError(ValueError):
    """`restore()` got a snapshot it cannot use; the message says what and why."""


@dataclass(frozen=True, slots=True)
class ReplyOption:
    """A reply on screen now. `number` is what a person types: its 1-based position as shown."""

    number: int
    text: str
    acts: tuple[str, ...]
    reply_index: int  # authored index in node.replies (conditions may hide some; the seed reorders)

    def to_json(self) -> dict[str, Any]:
        """This option as plain JSON types (inside a turn's `options`, and what is waiting)."""
        return {"number": self.number, "text": self.text, "acts": list(self.acts), "reply_index": self.reply_index}


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One turn: what the customer said, what was on screen, what was picked, what it did."""

    turn: int  # 1-based
    node_id: str
    customer_line: str
    expression_before: str
    options: tuple[ReplyOption, ...]
    choice: int  # 0-based index into options
    reply_index: int
    reply_text: str
    acts: tuple[str, ...]
    note: str
    skills: tuple[tuple[str, float], ...]  # the reply's explicit skill points
    mood_before: Mapping[str, float]
    mood_after: Mapping[str, float]
    expression_after: str
    trigger: int | None  # index into scenario.triggers of the trigger that fired, or None
    next_id: str  # where the conversation went: a node or an ending id
    ended: bool  # this turn ended the conversation
    evidence: tuple[Evidence, ...]  # evidence produced this turn (some may name earlier turns)

    def to_json(self, *, compact: bool = False) -> dict[str, Any]:
        """This turn as plain JSON types (options and evidence included): the one turn
        encoding, read back by `from_json`. `compact=True` gives the records' per-turn form,
        `compact_json` of the full one (it cannot be read back as a TurnRecord)."""
        value = {
            "turn": self.turn,
            "node": self.node_id,
            "customer_line": self.customer_line,
            "expression_before": self.expression_before,
            "options": [o.to_json() for o in self.options],
            "choice": self.choice,
            "reply_index": self.reply_index,
            "reply_text": self.reply_text,
            "acts": list(self.acts),
            "note": self.note,
            "skills": [[skill, points] for skill, points in self.skills],
            "mood_before": dict(self.mood_before),
            "mood_after": dict(self.mood_after),
            "expression_after": self.expression_after,
            "trigger": self.trigger,
            "next": self.next_id,
            "ended": self.ended,
            "evidence": [e.as_json() for e in self.evidence],
        }
        return compact_json(value) if compact else value

    @classmethod
    def from_json(cls, value: Any, dims: tuple[str, ...], where: str = "turn") -> "TurnRecord":
        """Read a turn `to_json` wrote; `dims` are the catalog's mood dimensions. Raises
        SnapshotError naming the bad field."""
        need(value, dict, where, "a turn mapping")
        try:
            options = []
            for i, o in enumerate(need(value["options"], list, f"{where}.options", "a list")):
                w = f"{where}.options[{i}]"
                need(o, dict, w, "an option mapping")
                options.append(ReplyOption(number=small_int(o["number"], f"{w}.number", "an int"),
                                           text=need(o["text"], str, f"{w}.text", "a string"),
                                           acts=strings(o["acts"], f"{w}.acts"),
                                           reply_index=small_int(o["reply_index"], f"{w}.reply_index", "an int")))
            skills = []
            for i, pair in enumerate(need(value["skills"], list, f"{where}.skills", "a list")):
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                    raise SnapshotError(f"snapshot {where}.skills[{i}]: expected [skill, points]")
                skills.append((pair[0], number(pair[1], f"{where}.skills[{i}]")))
            trigger = value["trigger"]
            if trigger is not None:
                small_int(trigger, f"{where}.trigger", "an int or null")
            return cls(
                turn=small_int(value["turn"], f"{where}.turn", "an int"),
                node_id=need(value["node"], str, f"{where}.node", "a string"),
                customer_line=need(value["customer_line"], str, f"{where}.customer_line", "a string"),
                expression_before=need(value["expression_before"], str, f"{where}.expression_before", "a string"),
                options=tuple(options),
                choice=small_int(value["choice"], f"{where}.choice", "an int"),
                reply_index=small_int(value["reply_index"], f"{where}.reply_index", "an int"),
                reply_text=need(value["reply_text"], str, f"{where}.reply_text", "a string"),
                acts=strings(value["acts"], f"{where}.acts"),
                note=need(value["note"], str, f"{where}.note", "a string"),
                skills=tuple(skills),
                mood_before=mood_values(value["mood_before"], dims, f"{where}.mood_before"),
                mood_after=mood_values(value["mood_after"], dims, f"{where}.mood_after"),
                expression_after=need(value["expression_after"], str, f"{where}.expression_after", "a string"),
                trigger=trigger,
                next_id=need(value["next"], str, f"{where}.next", "a string"),
                ended=need(value["ended"], bool, f"{where}.ended", "true or false"),
                evidence=tuple(evidence_from_json(e, f"{where}.evidence[{i}]")
                               for i, e in enumerate(need(value["evidence"], list, f"{where}.evidence", "a list"))),
            )
        except KeyError as missing:
            raise SnapshotError(f"snapshot {where}: missing key {missing}") from None


# What the compact form leaves out. A history keeps thousands of attempts, and each of these
# is either the scenario's own text (options, note, skills), a copy of the turn before
# (expression_before, mood_before), kept beside the line by the records (mood_after, in its
# own column), or implied by the line's place (ended: the last line of a finished attempt).
COMPACT_OMITS = ("options", "expression_before", "mood_before", "mood_after", "note", "skills", "ended")


def compact_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """A turn's JSON (`TurnRecord.to_json()`, or a mapping with some of its keys) in the
    compact form: without COMPACT_OMITS, and each evidence item without its copy of the
    reply's text (the line's `reply_text` has it)."""
    out = {key: item for key, item in value.items() if key not in COMPACT_OMITS}
    if isinstance(out.get("evidence"), list):
        out["evidence"] = [{k: v for k, v in e.items() if k != "reply"} if isinstance(e, dict) else e
                           for e in out["evidence"]]
    return out


# ----------------------------------------------------------------------------- checked reading


def need(value: Any, kind: type | tuple, where: str, what: str) -> Any:
    """`value` if it is a `kind` (a bool is no number), else SnapshotError naming `where`."""
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise SnapshotError(f"snapshot {where}: expected {what}, got {value!r}")
    if not isinstance(value, kind):
        raise SnapshotError(f"snapshot {where}: expected {what}, got {type(value).__name__} {value!r:.60}")
    return value


SMALL_INT = 1 << 15  # every count, index and turn number a snapshot holds fits an int16 column


def small_int(value: Any, where: str, what: str) -> int:
    """`value` as an int of at most SMALL_INT in size, else SnapshotError naming `where`: a
    hand-edited 2**63 passed as an int, then overflowed the engine's numpy arrays."""
    need(value, int, where, what)
    if not -SMALL_INT <= value < SMALL_INT:
        shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "..."
        raise SnapshotError(f"snapshot {where}: expected {what} of at most {SMALL_INT - 1:,}, got {shown}")
    return value


def number(value: Any, where: str) -> float:
    """`value` as a finite float, else SnapshotError naming `where`."""
    need(value, (int, float), where, "a number")
    if not math.isfinite(value):
        raise SnapshotError(f"snapshot {where}: expected a finite number, got {value!r}")
    return float(value)


def strings(value: Any, where: str) -> tuple[str, ...]:
    """`value` as a tuple of strings, else SnapshotError naming `where`."""
    need(value, list, where, "a list of strings")
    for i, item in enumerate(value):
        need(item, str, f"{where}[{i}]", "a string")
    return tuple(value)


def mood_values(value: Any, dims: tuple[str, ...], where: str) -> dict[str, float]:
    """A mood by dimension name, with exactly the catalog's `dims`."""
    need(value, dict, where, "a mapping of mood dimensions")
    if set(value) != set(dims):
        raise SnapshotError(f"snapshot {where}: mood dimensions {sorted(value)} do not match "
                            f"this catalog's {list(dims)}; the mood rules changed since the save")
    return {d: number(value[d], f"{where}.{d}") for d in dims}


def evidence_from_json(value: Any, where: str) -> Evidence:
    """Read an `Evidence.as_json()` mapping back."""
    need(value, dict, where, "an evidence mapping")
    try:
        return Evidence(turn=small_int(value["turn"], f"{where}.turn", "an int"),
                        skill=need(value["skill"], str, f"{where}.skill", "a string"),
                        points=number(value["points"], f"{where}.points"),
                        rule=need(value["rule"], str, f"{where}.rule", "a string"),
                        message=need(value["message"], str, f"{where}.message", "a string"),
                        reply_text=need(value.get("reply", ""), str, f"{where}.reply", "a string"))
    except KeyError as missing:
        raise SnapshotError(f"snapshot {where}: missing key {missing}") from None
