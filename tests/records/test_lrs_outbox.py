"""The outbox: every turn's statement is queued with the turn, exactly as the export writes it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from records_helpers import BAD, GOOD, record_play
from simulator.records import outbox
from simulator.records.exports import export
from simulator.records.store import RecordsError, open_store
from simulator.records.xapi import StatementBuilder
from xapi_check import statement_problems


def _outbox_texts(store) -> dict[str, str]:
    rows = store.connection.execute("SELECT statement_id, statement FROM outbox ORDER BY seq").fetchall()
    return dict(rows)


def _export_lines(store, tmp_path: Path, builder: StatementBuilder | None = None) -> list[str]:
    target = tmp_path / "statements.jsonl"
    export(store, target, ["xapi"], builder=builder)
    return target.read_text(encoding="utf-8").splitlines()


def test_every_turn_and_result_is_queued_exactly_as_the_export_writes_it(data_dir, scenario, catalog, tmp_path):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD, profile="Ben")
        record_play(store, scenario, catalog, GOOD[:2], profile="Cy")  # unfinished: replies only
        queued = _outbox_texts(store)
        exported = _export_lines(store, tmp_path)
    assert len(exported) == len(GOOD) + 1 + len(BAD) + 1 + 2
    assert list(queued.values()) == exported  # same text, same order, byte for byte
    assert all(statement_problems(json.loads(text)) == [] for text in queued.values())
    assert list(queued) == [json.loads(line)["id"] for line in exported]


def test_the_team_base_iri_is_used_for_queued_statements(data_dir, scenario, catalog, tmp_path):
    builder = StatementBuilder("https://lms.example.com/csim")
    with open_store(data_dir) as store:
        store.statements = builder
        record_play(store, scenario, catalog, GOOD)
        queued = list(_outbox_texts(store).values())
        assert queued == _export_lines(store, tmp_path, StatementBuilder("https://lms.example.com/csim"))
    assert all('"https://lms.example.com/csim/scenarios/wrong-size' in text for text in queued)


def test_saving_the_same_turn_again_queues_nothing_new(data_dir, scenario, catalog):
    from simulator.engine.session import Session

    with open_store(data_dir) as store:
        session = Session(scenario, catalog)
        attempt_id = store.start_attempt("Ana", scenario, catalog, session.snapshot())
        record = session.choose(0)
        store.save_turn(attempt_id, session.snapshot(), record)
        first = _outbox_texts(store)
        store.save_turn(attempt_id, session.snapshot(), record)  # a retried save
        assert _outbox_texts(store).keys() == first.keys()
        assert outbox.counts(store.connection) == {"queued": 1, "sent": 0, "rejected": 0}


def test_a_rewound_attempt_drops_the_queued_statements_of_the_turns_it_forgot(data_dir, scenario, catalog, tmp_path):
    from simulator.engine.session import Session

    with open_store(data_dir) as store:
        session = Session(scenario, catalog)
        attempt_id = store.start_attempt("Ana", scenario, catalog, session.snapshot())
        for choice in (0, 0, 0):
            record = session.choose(choice)
            store.save_turn(attempt_id, session.snapshot(), record)
        assert len(_outbox_texts(store)) == 3
        again = Session.replay(scenario, catalog, [0])
        record = again.choose(1)  # turn 2 played differently in the same attempt
        store.save_turn(attempt_id, again.snapshot(), record)
        queued = list(_outbox_texts(store).values())
        assert len(queued) == 2
        assert queued == _export_lines(store, tmp_path)


def test_a_turn_that_is_not_saved_queues_no_statement(data_dir, scenario, catalog):
    from simulator.engine.session import Session

    with open_store(data_dir) as store:
        session = Session(scenario, catalog)
        attempt_id = store.start_attempt("Ana", scenario, catalog, session.snapshot())
        record = session.choose(0)
        blocker = sqlite3.connect(str(store.path), timeout=0)
        blocker.execute("CREATE TRIGGER no_turns BEFORE UPDATE ON attempts BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
        blocker.close()
        with pytest.raises(RecordsError):
            store.save_turn(attempt_id, session.snapshot(), record)
        assert outbox.counts(store.connection)["queued"] == 0  # rolled back with the turn
        store.connection.execute("DROP TRIGGER no_turns")
        store.save_turn(attempt_id, session.snapshot(), record)
        assert outbox.counts(store.connection)["queued"] == 1


def test_rejected_statements_are_kept_with_their_reason_and_can_be_requeued(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        conn = store.connection
        (first, _), (second, _) = outbox.next_batch(conn, 2)
        outbox.mark_sent(conn, [first])
        outbox.mark_rejected(conn, second, "422: verb.id is not an IRI")
        assert outbox.counts(conn) == {"queued": len(GOOD) - 1, "sent": 1, "rejected": 1}
        [kept] = outbox.rejected(conn)
        assert (kept.statement_id, kept.reason, kept.position) == (second, "422: verb.id is not an IRI", 2)
        assert second not in [sid for sid, _ in outbox.next_batch(conn, 100)]  # never retried by itself
        assert outbox.requeue_rejected(conn) == 1
        assert second in [sid for sid, _ in outbox.next_batch(conn, 100)]
