"""Session snapshots: a saved game as versioned JSON.

A snapshot is the session's one-row `ConversationState` in its own JSON (`to_json`, nodes,
endings and acts named by id) with what the state does not hold: the reply-order seed, the
choices and the transcript. Restoring loads that state through the step function
(`Stepper.load`, which re-checks the screen against today's file) and rebuilds the rubric
from the transcript, so a save survives edits to the scenario as long as what it names still
exists. Floats are stored as Python floats, which JSON round-trips exactly.

Version 3 stores the conversation state itself. Versions 1 and 2 (still read) listed the
session's fields their own way and are turned into that state on reading; version 2 added
`seed`, and a version 1 snapshot predates shuffling, so it restores with seed None (authored
order, the order it was shown in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from simulator.engine.shuffle import check_seed
from simulator.engine.state import (NO_REPLY, REASONS, STATE_FORMAT, STATE_VERSION, TURN_LIMIT_HIT, UNRESOLVED,
                                    ConversationState, StateError)
from simulator.engine.turn_record import SnapshotError, TurnRecord, mood_values, need, small_int, strings
from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import OUTCOMES, SKILLS

FORMAT = "customer-sim/session"
VERSION = 3
OLDEST_VERSION = 1  # version 1 had no seed: it restores as seed None (authored order)
_PHASES = ("awaiting_reply", "ended")  # (engine.session.Phase's values, in a version 1 or 2 snapshot)


@dataclass(frozen=True, slots=True)
class SavedSession:
    """A checked snapshot, ready for `Session` to take over."""

    state: ConversationState  # one row, its screen worked out for today's file
    seed: int | None
    choices: tuple[int, ...]
    transcript: tuple[TurnRecord, ...]
    note: str  # what changed since the save ('' = nothing)


# ----------------------------------------------------------------------------- encoding


def make_snapshot(session: Any) -> dict[str, Any]:
    """The session's state as versioned JSON; `read_snapshot` reads it back."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": {"id": session.scenario.id, "sha256": session.scenario.source_sha256},
        "catalog_sha256": session.catalog.sha256,
        "seed": session.seed,
        "choices": list(session.choices),
        "state": session.conversation.to_json(session.stepper.layout),
        "transcript": [r.to_json() for r in session.transcript],
    }


# ----------------------------------------------------------------------------- decoding


def read_snapshot(session: Any, snapshot: Any) -> SavedSession:
    """Check a snapshot against a freshly started session's scenario and catalog. Raises
    SnapshotError naming the bad field. Changes nothing: `Session.restore` adopts the result."""
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
    meta = need(snapshot.get("scenario"), dict, "'scenario'", "a mapping with id and sha256")
    if meta.get("id") != scenario.id:
        raise SnapshotError(f"snapshot is for scenario {meta.get('id')!r}, not {scenario.id!r}")
    notes = []
    if meta.get("sha256") != scenario.source_sha256:
        notes.append(f"scenario {scenario.id!r} changed since this snapshot was taken")
    if snapshot.get("catalog_sha256") != session.catalog.sha256:
        notes.append("the acts/personas/mood/rubric data changed since this snapshot was taken")

    dims = session.compiled.mood.dimensions
    choices = need(snapshot.get("choices"), list, "'choices'", "a list of ints")
    for i, c in enumerate(choices):
        small_int(c, f"choices[{i}]", "an int")
    transcript_raw = need(snapshot.get("transcript"), list, "'transcript'", "a list")
    transcript = [TurnRecord.from_json(r, dims, f"transcript[{i}]") for i, r in enumerate(transcript_raw)]
    raw = snapshot.get("state")
    if version >= 3:
        data = need(raw, dict, "'state'", "a conversation state (ConversationState.to_json)")
        rows = data.get("rows")
        if not (isinstance(rows, list) and len(rows) == 1):
            raise SnapshotError("snapshot 'state' must hold exactly one conversation in 'rows'")
    else:
        data = _from_version_2(session, need(raw, dict, "'state'", "a mapping"), transcript)
    try:
        state = session.stepper.load(data)
    except StateError as problem:
        raise SnapshotError(f"snapshot 'state' does not fit scenario {scenario.id!r} "
                            f"(edited since the save?): {problem}") from None
    turn = int(state.depth[0])
    if not len(choices) == len(transcript) == turn:
        raise SnapshotError(f"snapshot is inconsistent: state.turn is {turn} but it holds {len(choices)} "
                            f"choice(s) and {len(transcript)} transcript turn(s)")
    return SavedSession(state=state, seed=seed, choices=tuple(choices), transcript=tuple(transcript),
                        note="; ".join(notes))


def _from_version_2(session: Any, state: Mapping[str, Any], transcript: list[TurnRecord]) -> dict[str, Any]:
    """A version 1 or 2 snapshot's 'state' as the conversation state JSON of version 3.

    Those kept the order nodes were first seen in; the turn each was first entered on is the
    first turn of the transcript showing it (the node on screen now: the turn count). What
    the step counts as it goes - the reply and trigger that led here, the skill chances -
    follows from the transcript too."""
    scenario, stepper = session.scenario, session.stepper
    model = session.compiled.mood
    try:
        phase = need(state["phase"], str, "state.phase", "a string")
        node = need(state["node"], str, "state.node", "a string")
        turn = small_int(state["turn"], "state.turn", "an int")
        mood = mood_values(state["mood"], model.dimensions, "state.mood")
        uses = need(state["act_uses"], dict, "state.act_uses", "a mapping of act -> count")
        grievance_open = need(state["grievance_open"], bool, "state.grievance_open", "true or false")
        visited = strings(state["visited"], "state.visited")
        outcome, ending = state["outcome"], state["ending"]
    except KeyError as missing:
        raise SnapshotError(f"snapshot 'state' is missing key {missing}") from None
    if phase not in _PHASES:
        raise SnapshotError(f"snapshot state.phase: {phase!r} is not one of {', '.join(_PHASES)}")
    ended = phase == "ended"
    if not ended and node not in scenario.nodes:
        raise SnapshotError(f"snapshot stopped at node {node!r}, which no longer exists in scenario "
                            f"{scenario.id!r}; it was edited since the save")
    if ended:
        if scenario.target(node) is None:
            raise SnapshotError(f"snapshot ended at {node!r}, which no longer exists in scenario {scenario.id!r}")
        need(outcome, str, "state.outcome", "an outcome string")
        if ending is not None:
            need(ending, str, "state.ending", "an ending id or null")
    for act, count in uses.items():
        if act not in model.act_index:
            raise SnapshotError(f"snapshot state.act_uses names act {act!r}, which is not in acts.yaml any more")
        small_int(count, f"state.act_uses.{act}", "an int")
    if turn < 0:
        raise SnapshotError(f"snapshot state.turn must be >= 0, got {turn}")
    last = transcript[-1] if transcript else None
    at_ending = ended and node in scenario.endings
    at = (last.node_id if last and last.node_id in scenario.nodes else scenario.start) if at_ending else node
    first_turn: dict[str, int] = {}
    for t, record in enumerate(transcript):
        first_turn.setdefault(record.node_id, t)
    if not ended:
        first_turn.setdefault(node, turn)
    chances = np.zeros(len(SKILLS), dtype=np.int64)
    for record in transcript:  # like the rubric, the chances follow from the screens shown
        if record.node_id in stepper.node_index:
            chances += stepper.screen_chances_of(record.node_id, [o.reply_index for o in record.options])
    reason = None
    if ended:
        reason = REASONS[0] if at_ending else REASONS[TURN_LIMIT_HIT] if turn >= TURN_LIMIT else REASONS[NO_REPLY]
    row = {
        "node": at,
        "ending": node if at_ending else None,
        "ended": ended,
        "reason": reason,
        "outcome": (outcome if outcome in OUTCOMES else UNRESOLVED) if ended else None,
        "turn": turn,
        "mood": mood,
        "act_uses": {act: n for act, n in uses.items() if n},
        "grievance_open": grievance_open,
        "visited": {node_id: first_turn.get(node_id, position) for position, node_id in enumerate(visited)
                    if node_id in scenario.nodes},
        "reply": last.reply_index if last else -1,
        "trigger": last.trigger if last and last.trigger is not None else -1,
        "chances": dict(zip(SKILLS, chances.tolist())),
    }
    return {"format": STATE_FORMAT, "version": STATE_VERSION, "rows": [row]}
