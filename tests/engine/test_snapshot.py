"""restore() refuses bad snapshots with messages that say what is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine_builders import node, reply, scenario
from simulator.engine.session import Phase, Session, SnapshotError


@pytest.fixture()
def saved(catalog, format_tour):
    return json.loads(json.dumps(Session.replay(format_tour, catalog, [0, 0]).snapshot()))


def restore(catalog, format_tour, snap):
    return Session.restore(format_tour, catalog, snap)


def as_version_2(snap: dict, session: Session) -> dict:
    """The same save as a version 2 file wrote it (the session's fields listed one by one,
    `visited` in first-seen order): written out here by hand, as old files on disk are."""
    old = copy.deepcopy(snap)
    old["version"] = 2
    old["state"] = {
        "phase": session.phase.value, "node": session.node_id, "turn": session.turn, "mood": session.mood,
        "act_uses": dict(snap["state"]["rows"][0]["act_uses"]), "grievance_open": snap["state"]["rows"][0]["grievance_open"],
        "visited": list(session.visited), "outcome": session.result.outcome if session.result else None,
        "ending": session.result.ending_id if session.result else None, "note": session.result.note if session.result else ""}
    return old


@pytest.fixture()
def saved_v2(catalog, format_tour, saved):
    return as_version_2(saved, Session.replay(format_tour, catalog, [0, 0]))


def test_snapshot_is_versioned_json_naming_nodes_by_id(saved, format_tour):
    assert saved["version"] == 3 and saved["format"] == "customer-sim/session" and saved["seed"] is None
    assert saved["scenario"] == {"id": format_tour.id, "sha256": format_tour.source_sha256}
    assert saved["choices"] == [0, 0]
    # the conversation state in its own JSON: one row, nodes named by id with the turn first entered
    state = saved["state"]
    assert state["format"] == "customer-sim/state" and len(state["rows"]) == 1
    row = state["rows"][0]
    assert row["node"] == "options" and row["turn"] == 2 and row["ended"] is False and row["ending"] is None
    assert row["visited"] == {"opening": 0, "story": 1, "options": 2}


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(version=4), "version 4 is newer"),
    (lambda s: s.update(version=0), "version 0 is too old"),
    (lambda s: s.update(version="1"), "'version' must be an int"),
    (lambda s: s.update(seed="7"), "'seed': a reply-order seed must be a whole number"),
    (lambda s: s.update(seed=-1), "'seed': a reply-order seed must be from 0"),
    (lambda s: s.update(format="something"), "not a session snapshot"),
    (lambda s: s["scenario"].update(id="other"), "for scenario 'other', not 'format-tour'"),
    (lambda s: s["state"]["rows"][0].update(node="gone_node"),
     r"does not fit scenario 'format-tour' \(edited since the save\?\): rows\[0\].node: 'gone_node' is not a known node"),
    (lambda s: s["state"]["rows"][0]["mood"].pop("trust"), r"rows\[0\].mood lacks trust"),
    (lambda s: s["state"]["rows"][0]["mood"].update(trust="high"), r"rows\[0\].mood.trust: unexpected 'high'"),
    (lambda s: s["state"]["rows"][0]["mood"].update(trust=float("nan")), r"mood.trust: expected a finite number"),
    (lambda s: s["state"]["rows"][0]["act_uses"].update(yodel=1), "'yodel' is not a known act"),
    (lambda s: s["state"]["rows"][0].update(turn=10 ** 30), r"rows\[0\].turn: 1000000000000000000000000000000 is out of range"),
    (lambda s: s["state"]["rows"][0]["visited"].update(story=-5), r"visited.story: -5 is out of range"),
    (lambda s: s["state"]["rows"][0].pop("turn"), "missing key 'turn'"),
    (lambda s: s["state"].update(rows=[]), "exactly one conversation"),
    (lambda s: s.update(state=[1]), "'state': expected a conversation state"),
    (lambda s: s.update(choices=[0]), "state.turn is 2 but it holds 1 choice"),
    (lambda s: s["transcript"][1].update(acts="invite"), r"transcript\[1\].acts: expected a list"),
    (lambda s: s["transcript"][0].pop("evidence"), r"transcript\[0\]: missing key 'evidence'"),
    # hand-edited numbers too large for the engine's int16 tables: each was an OverflowError
    (lambda s: s["state"]["rows"][0]["act_uses"].update(invite=2**63), r"act_uses.invite: 9223372036854775808 is out of range"),
    (lambda s: s["transcript"][1].update(turn=2**63), r"transcript\[1\].turn: expected an int of at most"),
    (lambda s: s["transcript"][0].update(reply_index=40_000), r"transcript\[0\].reply_index: expected an int"),
    (lambda s: s.update(choices=[0, 2**63]), r"choices\[1\]: expected an int of at most"),
])
def test_bad_snapshots_are_refused_clearly(catalog, format_tour, saved, change, message):
    broken = copy.deepcopy(saved)
    change(broken)
    with pytest.raises(SnapshotError, match=message):
        restore(catalog, format_tour, broken)


@pytest.mark.parametrize("change, message", [
    (lambda s: s["state"].update(node="gone_node"), "node 'gone_node', which no longer exists"),
    (lambda s: s["state"]["mood"].pop("trust"), "mood dimensions"),
    (lambda s: s["state"]["mood"].update(trust="high"), "state.mood.trust: expected a number"),
    (lambda s: s["state"].update(phase="paused"), "'paused' is not one of awaiting_reply, ended"),
    (lambda s: s["state"]["act_uses"].update(yodel=1), "act 'yodel'"),
    (lambda s: s["state"].pop("turn"), "missing key 'turn'"),
    (lambda s: s["state"].update(turn=70_000), r"state.turn: expected an int of at most 32,767, got 70000"),
    (lambda s: s["state"]["act_uses"].update(invite=2**63), r"state.act_uses.invite: expected an int of at most"),
    (lambda s: s["state"].update(turn=10**30), r"state.turn: expected an int of at most 32,767, got 1000000000000000000"),
    (lambda s: s.update(choices=[0]), "state.turn is 2 but it holds 1 choice"),
])
def test_bad_version_2_snapshots_are_refused_clearly(catalog, format_tour, saved_v2, change, message):
    broken = copy.deepcopy(saved_v2)
    change(broken)
    with pytest.raises(SnapshotError, match=message):
        restore(catalog, format_tour, broken)


@pytest.mark.parametrize("name, pick", [("format_tour", 2), ("tablet_setup", 0), ("personal_attack", 3)])
def test_a_version_2_snapshot_restores_as_the_session_it_saved(catalog, name, pick):
    """Old saves on disk still resume: every turn of a play, and its end, written the version 2
    way restores to the session that wrote it (state with each node's first turn, screen,
    score). These plays come back to nodes they saw before, where a node's first turn and its
    place in the first-seen list differ."""
    from simulator.scenario.loader import load_scenario

    root = Path(__file__).resolve().parents[2]
    path = root / ("tests/fixtures/scenarios" if name == "format_tour" else "scenarios") / f"{name}.yaml"
    played, _ = load_scenario(path, catalog)
    session, revisits = Session(played, catalog, seed=4), 0
    while True:
        snap = json.loads(json.dumps(session.snapshot()))
        old = Session.restore(played, catalog, as_version_2(snap, session))
        assert old.snapshot() == snap
        assert old.options == session.options and old.provisional_score() == session.provisional_score()
        if session.phase is Phase.ENDED:
            assert old.result == session.result
            break
        revisits += session.node_id in [record.node_id for record in session.transcript]
        session.choose((pick + session.turn) % len(session.options))
    assert session.turn >= 4 and (revisits > 0) == (name != "format_tour")


def test_not_a_mapping(catalog, format_tour):
    with pytest.raises(SnapshotError, match="must be the mapping Session.snapshot"):
        restore(catalog, format_tour, [1, 2])


def test_an_edited_scenario_still_restores_and_says_so(catalog, saved, format_tour):
    import dataclasses

    edited = dataclasses.replace(format_tour, source_sha256="f" * 64)
    session = Session.restore(edited, catalog, saved)
    assert "changed since this snapshot" in session.restore_note
    assert session.node_id == "options" and session.turn == 2
    assert Session.restore(format_tour, catalog, saved).restore_note == ""


def test_restore_rechecks_that_the_node_still_offers_a_reply(catalog):
    from engine_builders import when

    open_ = scenario([node("a", [reply("x", ["invite"], "b")]), node("b", [reply("y", ["invite"], "done")])])
    snap = json.loads(json.dumps(Session.replay(open_, catalog, [0]).snapshot()))
    closed = scenario([node("a", [reply("x", ["invite"], "b")]),
                       node("b", [reply("y", ["invite"], "done", when=when(visited=["never"]))])])
    session = Session.restore(closed, catalog, snap)
    assert session.phase is Phase.ENDED and session.result.outcome == "unresolved"


def test_a_version_1_snapshot_restores_in_authored_order(catalog, format_tour, saved_v2):
    old = copy.deepcopy(saved_v2)
    old["version"] = 1
    del old["seed"]
    session = Session.restore(format_tour, catalog, old)
    assert session.seed is None and session.turn == 2
    assert [o.reply_index for o in session.options] == sorted(o.reply_index for o in session.options)
    # a version 1 file never had a seed: any stray 'seed' key in it is ignored, not trusted
    old["seed"] = 5
    assert Session.restore(format_tour, catalog, old).seed is None
