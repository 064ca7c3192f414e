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

from typing import Any, Mapping

from simulator.engine.session import Phase, Session, SessionState
from simulator.engine.shuffle import check_seed
from simulator.engine.turn_record import SnapshotError, TurnRecord, mood_values, need, strings

FORMAT = "customer-sim/session"
VERSION = Session.SNAPSHOT_VERSION
OLDEST_VERSION = 1  # version 1 had no seed: it restores as seed None (authored order)


# ----------------------------------------------------------------------------- encoding


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
        "transcript": [r.to_json() for r in state.transcript],
    }


# ----------------------------------------------------------------------------- decoding


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
    meta = need(snapshot.get("scenario"), dict, "'scenario'", "a mapping with id and sha256")
    if meta.get("id") != scenario.id:
        raise SnapshotError(f"snapshot is for scenario {meta.get('id')!r}, not {scenario.id!r}")
    notes = []
    if meta.get("sha256") != scenario.source_sha256:
        notes.append(f"scenario {scenario.id!r} changed since this snapshot was taken")
    if snapshot.get("catalog_sha256") != session.catalog.sha256:
        notes.append("the acts/personas/mood/rubric data changed since this snapshot was taken")

    model = session.compiled.mood
    state = need(snapshot.get("state"), dict, "'state'", "a mapping")
    try:
        phase_text = need(state["phase"], str, "state.phase", "a string")
        node = need(state["node"], str, "state.node", "a string")
        turn = need(state["turn"], int, "state.turn", "an int")
        mood = mood_values(state["mood"], model.dimensions, "state.mood")
        uses_raw = need(state["act_uses"], dict, "state.act_uses", "a mapping of act -> count")
        grievance_open = need(state["grievance_open"], bool, "state.grievance_open", "true or false")
        visited = strings(state["visited"], "state.visited")
        outcome, ending, note = state["outcome"], state["ending"], need(state["note"], str, "state.note", "a string")
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
        need(outcome, str, "state.outcome", "an outcome string")
        if ending is not None:
            need(ending, str, "state.ending", "an ending id or null")
    uses = {}
    for act, count in uses_raw.items():
        if act not in model.act_index:
            raise SnapshotError(f"snapshot state.act_uses names act {act!r}, which is not in acts.yaml any more")
        uses[act] = need(count, int, f"state.act_uses.{act}", "an int")
    if turn < 0:
        raise SnapshotError(f"snapshot state.turn must be >= 0, got {turn}")
    choices = need(snapshot.get("choices"), list, "'choices'", "a list of ints")
    for i, c in enumerate(choices):
        need(c, int, f"choices[{i}]", "an int")
    transcript_raw = need(snapshot.get("transcript"), list, "'transcript'", "a list")
    transcript = [TurnRecord.from_json(r, model.dimensions, f"transcript[{i}]") for i, r in enumerate(transcript_raw)]
    if not len(choices) == len(transcript) == turn:
        raise SnapshotError(f"snapshot is inconsistent: state.turn is {turn} but it holds {len(choices)} "
                            f"choice(s) and {len(transcript)} transcript turn(s)")

    state_value = SessionState(
        seed=seed, phase=phase, node_id=node, turn=turn, mood=mood, act_uses=uses, grievance_open=grievance_open,
        visited=tuple(visited), choices=tuple(choices), transcript=tuple(transcript), outcome=outcome,
        ending_id=ending, note=note)
    return state_value, "; ".join(notes)
