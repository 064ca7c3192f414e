"""restore() refuses bad snapshots with messages that say what is wrong."""

from __future__ import annotations

import copy
import json

import pytest

from engine_builders import node, reply, scenario
from simulator.engine.session import Phase, Session, SnapshotError


@pytest.fixture()
def saved(catalog, format_tour):
    return json.loads(json.dumps(Session.replay(format_tour, catalog, [0, 0]).snapshot()))


def restore(catalog, format_tour, snap):
    return Session.restore(format_tour, catalog, snap)


def test_snapshot_is_versioned_json_naming_nodes_by_id(saved, format_tour):
    assert saved["version"] == 2 and saved["format"] == "customer-sim/session" and saved["seed"] is None
    assert saved["scenario"] == {"id": format_tour.id, "sha256": format_tour.source_sha256}
    assert saved["choices"] == [0, 0] and saved["state"]["node"] == "options"
    assert saved["state"]["visited"] == ["opening", "story", "options"]


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(version=3), "version 3 is newer"),
    (lambda s: s.update(version=0), "version 0 is too old"),
    (lambda s: s.update(version="1"), "'version' must be an int"),
    (lambda s: s.update(seed="7"), "'seed': a reply-order seed must be a whole number"),
    (lambda s: s.update(seed=-1), "'seed': a reply-order seed must be from 0"),
    (lambda s: s.update(format="something"), "not a session snapshot"),
    (lambda s: s["scenario"].update(id="other"), "for scenario 'other', not 'format-tour'"),
    (lambda s: s["state"].update(node="gone_node"), "node 'gone_node', which no longer exists"),
    (lambda s: s["state"]["mood"].pop("trust"), "mood dimensions"),
    (lambda s: s["state"]["mood"].update(trust="high"), "state.mood.trust: expected a number"),
    (lambda s: s["state"].update(phase="paused"), "'paused' is not one of awaiting_reply, ended"),
    (lambda s: s["state"]["act_uses"].update(yodel=1), "act 'yodel'"),
    (lambda s: s["state"].pop("turn"), "missing key 'turn'"),
    (lambda s: s.update(choices=[0]), "state.turn is 2 but it holds 1 choice"),
    (lambda s: s["transcript"][1].update(acts="invite"), r"transcript\[1\].acts: expected a list"),
    (lambda s: s["transcript"][0].pop("evidence"), r"transcript\[0\]: missing key 'evidence'"),
])
def test_bad_snapshots_are_refused_clearly(catalog, format_tour, saved, change, message):
    broken = copy.deepcopy(saved)
    change(broken)
    with pytest.raises(SnapshotError, match=message):
        restore(catalog, format_tour, broken)


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


def test_a_version_1_snapshot_restores_in_authored_order(catalog, format_tour, saved):
    old = copy.deepcopy(saved)
    old["version"] = 1
    del old["seed"]
    session = Session.restore(format_tour, catalog, old)
    assert session.seed is None and session.turn == 2
    assert [o.reply_index for o in session.options] == sorted(o.reply_index for o in session.options)
    # a version 1 file never had a seed: any stray 'seed' key in it is ignored, not trusted
    old["seed"] = 5
    assert Session.restore(format_tour, catalog, old).seed is None
