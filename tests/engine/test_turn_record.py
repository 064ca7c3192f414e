"""One turn encoding: `TurnRecord.to_json()` is what snapshots store and `run --format json`
prints, `from_json` reads it back whole, and the records' compact form is derived from it."""

from __future__ import annotations

import json

import pytest

from simulator.engine.run_document import run_document, tidy
from simulator.engine.session import Session
from simulator.engine.turn_record import COMPACT_OMITS, SnapshotError, TurnRecord, compact_json


@pytest.fixture()
def played(catalog, format_tour):
    return Session.replay(format_tour, catalog, [0, 2, 0, 0, 0])  # the discount road: explicit skills


def test_a_turn_survives_json_text_whole(played):
    dims = played.compiled.mood.dimensions
    for record in played.transcript:
        text = json.dumps(record.to_json())
        assert TurnRecord.from_json(json.loads(text), dims) == record


def test_the_run_document_turns_are_the_one_encoding(played):
    turns = run_document(played)["turns"]
    assert turns == [tidy(record.to_json()) for record in played.transcript]
    dims = played.compiled.mood.dimensions
    back = [TurnRecord.from_json(turn, dims, f"turns[{i}]") for i, turn in enumerate(turns)]
    assert [r.reply_text for r in back] == [r.reply_text for r in played.transcript]
    assert [r.options[r.choice].number for r in back] == run_document(played)["choices"]


def test_the_compact_form_is_the_full_one_without_what_the_scenario_or_the_neighbours_hold(played):
    record = played.transcript[1]
    full, compact = record.to_json(), record.to_json(compact=True)
    assert compact == compact_json(full)
    assert set(compact) == set(full) - set(COMPACT_OMITS)
    # the shapes pinned: what snapshots and `run` write, and what the records keep per turn
    assert list(full) == ["turn", "node", "customer_line", "expression_before", "options", "choice", "reply_index",
                          "reply_text", "acts", "note", "skills", "mood_before", "mood_after", "expression_after",
                          "trigger", "next", "ended", "evidence"]
    assert list(compact) == ["turn", "node", "customer_line", "choice", "reply_index", "reply_text", "acts",
                             "expression_after", "trigger", "next", "evidence"]
    assert list(full["options"][0]) == ["number", "text", "acts", "reply_index"]
    assert compact["evidence"] and all("reply" not in e for e in compact["evidence"])
    assert [{**e, "reply": record.reply_text} for e in compact["evidence"]] == full["evidence"]
    assert compact_json(compact) == compact  # compacting twice changes nothing


def test_compact_json_keeps_what_it_does_not_know(played):
    line = {"node": "a", "at": "2025-01-01T00:00:00.000Z", "options": [], "evidence": [{"rule": "x", "reply": "r"}]}
    assert compact_json(line) == {"node": "a", "at": "2025-01-01T00:00:00.000Z", "evidence": [{"rule": "x"}]}


@pytest.mark.parametrize("change, message", [
    (lambda t: t.pop("next"), "missing key 'next'"),
    (lambda t: t.update(choice="1"), "turn.choice: expected an int"),
    (lambda t: t["options"][0].pop("reply_index"), "missing key 'reply_index'"),
    (lambda t: t.update(ended=1), "turn.ended: expected true or false"),
    (lambda t: t["evidence"][0].update(points="a lot"), "turn.evidence[0].points: expected a number"),
])
def test_a_damaged_turn_names_the_field(played, change, message):
    value = played.transcript[0].to_json()
    change(value)
    with pytest.raises(SnapshotError, match=message.replace("[", r"\[").replace("]", r"\]")):
        TurnRecord.from_json(value, played.compiled.mood.dimensions)
