"""Session snapshots: the whole changing state as a versioned, JSON-able dict.

The session hands out its state as a `SessionState` (`Session.state()`) and adopts a checked
one (`Session.restore`); this module only turns that value into JSON and back, checking every
field, and never touches the session's private attributes. Nodes are named by id, never by
object, so a save survives edits to the scenario as long as the node it stopped at still
exists. Floats are stored as Python floats, which JSON round-trips exactly.

Version 2 added `seed` (the reply-order seed); a version 1 snapshot predates shuffling and
restores with seed None, i.e. authored order, which is the order it was shown in.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from simulator.engine.rubric import Evidence
from simulator.engine.session import Phase, ReplyOption, Session, SessionState, SnapshotError, TurnRecord
from simulator.engine.shuffle import check_seed

FORMAT = "customer-sim/session"
VERSION = Session.SNAPSHOT_VERSION
OLDEST_VERSION = 1  # version 1 had no seed: it restores as seed None (authored order)


# ----------------------------------------------------------------------------- encoding


def record_to_json(record: TurnRecord) -> dict[str, Any]:
    """One transcript turn as plain JSON types (options and evidence included)."""
    return {
        "turn": record.turn,
        "node": record.node_id,
        "customer_line": record.customer_line,
        "expression_before": record.expression_before,
        "options": [{"number": o.number, "text": o.text, "acts": list(o.acts), "reply_index": o.reply_index}
                    for o in record.options],
        "choice": record.choice,
        "reply_index": record.reply_index,
        "reply_text": record.reply_text,
        "acts": list(record.acts),
        "note": record.note,
        "skills": [[skill, points] for skill, points in record.skills],
        "mood_before": dict(record.mood_before),
        "mood_after": dict(record.mood_after),
        "expression_after": record.expression_after,
        "trigger": record.trigger,
        "next": record.next_id,
        "ended": record.ended,
        "evidence": [e.as_json() for e in record.evidence],
    }


def make_snapshot(session: Session) -> dict[str, Any]:
    """The session's full state (`Session.state()`) as versioned JSON; `read_snapshot` reads it back."""
    state = session.state()
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": {"id": session.scenario.id, "sha256": session.scenario.source_sha256},
        "catalog_sha256": session.catalog.sha256,
        "seed": state.seed,
        "choices": list(state.choices),
        "state": {
            "phase": state.phase.value,
            "node": state.node_id,
            "turn": state.turn,
            "mood": dict(state.mood),
            "act_uses": dict(state.act_uses),
            "grievance_open": state.grievance_open,
            "visited": list(state.visited),
            "outcome": state.outcome,
            "ending": state.ending_id,
            "note": state.note,
        },
        "transcript": [record_to_json(r) for r in state.transcript],
    }


# ----------------------------------------------------------------------------- decoding


def _need(value: Any, kind: type | tuple, where: str, what: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise SnapshotError(f"snapshot {where}: expected {what}, got {value!r}")
    if not isinstance(value, kind):
        raise SnapshotError(f"snapshot {where}: expected {what}, got {type(value).__name__} {value!r:.60}")
    return value


def _number(value: Any, where: str) -> float:
    _need(value, (int, float), where, "a number")
    if not math.isfinite(value):
        raise SnapshotError(f"snapshot {where}: expected a finite number, got {value!r}")
    return float(value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    _need(value, list, where, "a list of strings")
    for i, item in enumerate(value):
        _need(item, str, f"{where}[{i}]", "a string")
    return tuple(value)


def _mood(value: Any, dims: tuple[str, ...], where: str) -> dict[str, float]:
    _need(value, dict, where, "a mapping of mood dimensions")
    if set(value) != set(dims):
        raise SnapshotError(f"snapshot {where}: mood dimensions {sorted(value)} do not match "
                            f"this catalog's {list(dims)}; the mood rules changed since the save")
    return {d: _number(value[d], f"{where}.{d}") for d in dims}


def _evidence(value: Any, where: str) -> Evidence:
    _need(value, dict, where, "an evidence mapping")
    try:
        return Evidence(turn=_need(value["turn"], int, f"{where}.turn", "an int"),
                        skill=_need(value["skill"], str, f"{where}.skill", "a string"),
                        points=_number(value["points"], f"{where}.points"),
                        rule=_need(value["rule"], str, f"{where}.rule", "a string"),
                        message=_need(value["message"], str, f"{where}.message", "a string"),
                        reply_text=_need(value.get("reply", ""), str, f"{where}.reply", "a string"))
    except KeyError as missing:
        raise SnapshotError(f"snapshot {where}: missing key {missing}") from None


def record_from_json(value: Any, dims: tuple[str, ...], where: str) -> TurnRecord:
    """Read one transcript turn back; raises SnapshotError naming the bad field."""
    _need(value, dict, where, "a turn mapping")
    try:
        options = []
        for i, o in enumerate(_need(value["options"], list, f"{where}.options", "a list")):
            w = f"{where}.options[{i}]"
            _need(o, dict, w, "an option mapping")
            options.append(ReplyOption(number=_need(o["number"], int, f"{w}.number", "an int"),
                                       text=_need(o["text"], str, f"{w}.text", "a string"),
                                       acts=_strings(o["acts"], f"{w}.acts"),
                                       reply_index=_need(o["reply_index"], int, f"{w}.reply_index", "an int")))
        skills = []
        for i, pair in enumerate(_need(value["skills"], list, f"{where}.skills", "a list")):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise SnapshotError(f"snapshot {where}.skills[{i}]: expected [skill, points]")
            skills.append((pair[0], _number(pair[1], f"{where}.skills[{i}]")))
        trigger = value["trigger"]
        if trigger is not None:
            _need(trigger, int, f"{where}.trigger", "an int or null")
        return TurnRecord(
            turn=_need(value["turn"], int, f"{where}.turn", "an int"),
            node_id=_need(value["node"], str, f"{where}.node", "a string"),
            customer_line=_need(value["customer_line"], str, f"{where}.customer_line", "a string"),
            expression_before=_need(value["expression_before"], str, f"{where}.expression_before", "a string"),
            options=tuple(options),
            choice=_need(value["choice"], int, f"{where}.choice", "an int"),
            reply_index=_need(value["reply_index"], int, f"{where}.reply_index", "an int"),
            reply_text=_need(value["reply_text"], str, f"{where}.reply_text", "a string"),
            acts=_strings(value["acts"], f"{where}.acts"),
            note=_need(value["note"], str, f"{where}.note", "a string"),
            skills=tuple(skills),
            mood_before=_mood(value["mood_before"], dims, f"{where}.mood_before"),
            mood_after=_mood(value["mood_after"], dims, f"{where}.mood_after"),
            expression_after=_need(value["expression_after"], str, f"{where}.expression_after", "a string"),
            trigger=trigger,
            next_id=_need(value["next"], str, f"{where}.next", "a string"),
            ended=_need(value["ended"], bool, f"{where}.ended", "true or false"),
            evidence=tuple(_evidence(e, f"{where}.evidence[{i}]")
                           for i, e in enumerate(_need(value["evidence"], list, f"{where}.evidence", "a list"))),
        )
    except KeyError as missing:
        raise SnapshotError(f"snapshot {where}: missing key {missing}") from None


def read_snapshot(session: Session, snapshot: Any) -> tuple[SessionState, str]:
    """Check a snapshot against a freshly started session's scenario and catalog; returns the
    state to adopt and a note on what changed since it was taken ('' = nothing). Raises
    SnapshotError naming the bad field. Changes nothing: `Session.restore` adopts the state."""
    if not isinstance(snapshot, Mapping):
        raise SnapshotError(f"a snapshot must be the mapping Session.snapshot() returned, "
                            f"got {type(snapshot).__name__}")
    if snapshot.get("format") != FORMAT:
        raise SnapshotError(f"not a session snapshot: 'format' is {snapshot.get('format')!r}, expected {FORMAT!r}")
    version = snapshot.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SnapshotError(f"snapshot 'version' must be an int, got {version!r}")
    if version > VERSION:
        raise SnapshotError(f"snapshot version {version} is newer than this simulator understands "
                            f"(up to {VERSION}); update the simulator to load it")
    if version < OLDEST_VERSION:
        raise SnapshotError(f"snapshot version {version} is too old for this simulator (needs "
                            f"{OLDEST_VERSION} to {VERSION}); replay its choices with Session.replay instead")
    seed = snapshot.get("seed") if version >= 2 else None
    try:
        seed = check_seed(seed)
    except ValueError as problem:
        raise SnapshotError(f"snapshot 'seed': {problem}") from None
    scenario = session.scenario
    meta = _need(snapshot.get("scenario"), dict, "'scenario'", "a mapping with id and sha256")
    if meta.get("id") != scenario.id:
        raise SnapshotError(f"snapshot is for scenario {meta.get('id')!r}, not {scenario.id!r}")
    notes = []
    if meta.get("sha256") != scenario.source_sha256:
        notes.append(f"scenario {scenario.id!r} changed since this snapshot was taken")
    if snapshot.get("catalog_sha256") != session.catalog.sha256:
        notes.append("the acts/personas/mood/rubric data changed since this snapshot was taken")

    model = session.compiled.mood
    state = _need(snapshot.get("state"), dict, "'state'", "a mapping")
    try:
        phase_text = _need(state["phase"], str, "state.phase", "a string")
        node = _need(state["node"], str, "state.node", "a string")
        turn = _need(state["turn"], int, "state.turn", "an int")
        mood = _mood(state["mood"], model.dimensions, "state.mood")
        uses_raw = _need(state["act_uses"], dict, "state.act_uses", "a mapping of act -> count")
        grievance_open = _need(state["grievance_open"], bool, "state.grievance_open", "true or false")
        visited = _strings(state["visited"], "state.visited")
        outcome, ending, note = state["outcome"], state["ending"], _need(state["note"], str, "state.note", "a string")
    except KeyError as missing:
        raise SnapshotError(f"snapshot 'state' is missing key {missing}") from None
    try:
        phase = Phase(phase_text)
    except ValueError:
        raise SnapshotError(f"snapshot state.phase: {phase_text!r} is not one of "
                            f"{', '.join(p.value for p in Phase)}") from None
    if phase is Phase.AWAITING_REPLY and node not in scenario.nodes:
        raise SnapshotError(f"snapshot stopped at node {node!r}, which no longer exists in scenario "
                            f"{scenario.id!r}; it was edited since the save")
    if phase is Phase.ENDED:
        if scenario.target(node) is None:
            raise SnapshotError(f"snapshot ended at {node!r}, which no longer exists in scenario {scenario.id!r}")
        _need(outcome, str, "state.outcome", "an outcome string")
        if ending is not None:
            _need(ending, str, "state.ending", "an ending id or null")
    uses = {}
    for act, count in uses_raw.items():
        if act not in model.act_index:
            raise SnapshotError(f"snapshot state.act_uses names act {act!r}, which is not in acts.yaml any more")
        uses[act] = _need(count, int, f"state.act_uses.{act}", "an int")
    if turn < 0:
        raise SnapshotError(f"snapshot state.turn must be >= 0, got {turn}")
    choices = _need(snapshot.get("choices"), list, "'choices'", "a list of ints")
    for i, c in enumerate(choices):
        _need(c, int, f"choices[{i}]", "an int")
    transcript_raw = _need(snapshot.get("transcript"), list, "'transcript'", "a list")
    transcript = [record_from_json(r, model.dimensions, f"transcript[{i}]") for i, r in enumerate(transcript_raw)]
    if not len(choices) == len(transcript) == turn:
        raise SnapshotError(f"snapshot is inconsistent: state.turn is {turn} but it holds {len(choices)} "
                            f"choice(s) and {len(transcript)} transcript turn(s)")

    state_value = SessionState(
        seed=seed, phase=phase, node_id=node, turn=turn, mood=mood, act_uses=uses, grievance_open=grievance_open,
        visited=tuple(visited), choices=tuple(choices), transcript=tuple(transcript), outcome=outcome,
        ending_id=ending, note=note)
    return state_value, "; ".join(notes)
