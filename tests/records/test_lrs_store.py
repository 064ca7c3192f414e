"""Against a real learning record store (Ralph, started on 127.0.0.1 by the test): attempts
arrive exactly as the export writes them, nothing is lost or duplicated when the store or
the sender dies mid-batch, wrong credentials and rejected statements keep the outbox, and
the team report built from the store matches the one built from the export files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from lrs_fixtures import (closed_port_endpoint, lrs, lrs_env, lrs_settings_for, point_at, queue_copies,  # noqa: F401
                          ralph_python, wait_until)
from lrs_ralph import RalphServer
from records_helpers import BAD, GOOD, record_play
from simulator.cli import main
from simulator.paths import ROOT
from simulator.records import outbox
from simulator.records.lrs_client import LrsClient
from simulator.records.lrs_sender import Sender, start_background_sender
from simulator.records.store import open_store
from xapi_check import statement_problems

TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"


def _choices(path: Path, pick: int) -> str:
    """A complete play-through of `path` as --choices text: reply `pick` (1-based, or the
    last one shown when there are fewer) at every turn until an ending."""
    from simulator.cli.scenario_input import load_inputs
    from simulator.engine.session import Session

    inputs = load_inputs([str(path)])
    session = Session(inputs.scenarios[0], inputs.catalog)
    numbers = []
    while session.result is None:
        number = min(pick, len(session.options))
        numbers.append(number)
        session.choose(number - 1)
    return ",".join(map(str, numbers))


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _export_lines(tmp_path: Path, capsys) -> list[dict]:
    target = tmp_path / "export" / "statements.jsonl"
    code, _, err = _cli(capsys, "export", "--format", "xapi", "-o", str(target))
    assert code == 0, err
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_attempts_played_with_run_profile_arrive_exactly_as_the_export_writes_them(lrs_env, data_dir, tmp_path,
                                                                                   capsys):
    for profile, pick in (("Ana", 1), ("Ben", 2), ("Ana", 3)):
        code, _, err = _cli(capsys, "run", str(TOUR), "--choices", _choices(TOUR, pick), "--profile", profile)
        assert code == 0, err
    code, _, err = _cli(capsys, "run", str(TOUR), "--choices", "1", "--profile", "Cy")  # unfinished
    assert code == 0, err
    code, out, err = _cli(capsys, "sync")
    assert code == 0, err
    exported = _export_lines(tmp_path, capsys)
    stored = lrs_env.stored()
    assert Counter(s["id"] for s in stored) == Counter(s["id"] for s in exported)  # each once, none missing
    by_id = {s["id"]: s for s in stored}
    for statement in exported:
        assert statement_problems(statement) == []  # the spec's shape, not just Ralph's word
        kept = by_id[statement["id"]]
        assert {key: kept[key] for key in statement} == statement  # the store added stored/authority only
    verbs = Counter(s["verb"]["display"]["en-US"] for s in exported)
    assert verbs["responded"] > 3 and verbs["passed"] + verbs["failed"] == 3
    with open_store(data_dir) as store:
        assert outbox.counts(store.connection) == {"queued": 0, "sent": len(exported), "rejected": 0}


def test_the_sender_survives_the_store_being_stopped_mid_batch_and_restarted(lrs, data_dir, scenario, catalog):
    # SIGTERM: Ralph shuts down with batches still coming (its keep-alive connection drops
    # under the sender). Not SIGKILL here: that truncates Ralph's own history.json and
    # breaks Ralph itself; answers lost in flight are covered by the kill -9 test below.
    with open_store(data_dir) as store:
        expected = queue_copies(store, scenario, catalog, 3000)
        sender = Sender(store.path, lrs_settings_for(lrs, batch_size=50), backoff_base=0.05, backoff_cap=0.5)
        sender.start()
        try:
            wait_until(lambda: outbox.counts(store.connection)["sent"] >= 300, what="the first batches")
            lrs.stop()  # while batches are going out
            wait_until(lambda: sender.last_answer is not None and sender.last_answer.kind == "away",
                       what="the sender to notice")
            queued_while_down = outbox.counts(store.connection)["queued"]
            lrs.start()
            wait_until(lambda: outbox.counts(store.connection)["queued"] == 0, what="the outbox to drain")
        finally:
            assert sender.stop()
        assert queued_while_down > 0
        assert outbox.counts(store.connection) == {"queued": 0, "sent": len(expected), "rejected": 0}
    ids = lrs.stored_ids()
    assert len(ids) == len(set(ids))  # nothing duplicated in the store
    assert sorted(ids) == sorted(expected)  # nothing lost


def test_wrong_credentials_say_so_clearly_and_keep_the_outbox(lrs, monkeypatch, data_dir, tmp_path, scenario,
                                                              catalog, capsys):
    point_at(monkeypatch, lrs.endpoint, lrs.key, "not-the-secret-xyz", data_dir, tmp_path)
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
    code, out, err = _cli(capsys, "lrs", "check")
    assert code == 1
    assert "refused key 'trainee-desktops'" in out and "CUSTOMER_SIM_LRS_SECRET" in out
    code, out, err = _cli(capsys, "sync")
    assert code == 1 and "refused key 'trainee-desktops' (401" in err
    assert "not-the-secret-xyz" not in out + err
    with open_store(data_dir) as store:
        assert outbox.counts(store.connection) == {"queued": len(GOOD) + 1, "sent": 0, "rejected": 0}
    code, out, _ = _cli(capsys, "lrs", "status")
    assert code == 0 and "queued: 6" in out and "last error: the store refused key" in out
    assert lrs.stored_ids() == []
    monkeypatch.setenv("CUSTOMER_SIM_LRS_SECRET", lrs.secret)  # the team lead fixes the setting
    code, out, err = _cli(capsys, "lrs", "check")
    assert code == 0 and "credentials: accepted" in out and lrs.secret not in out + err
    assert _cli(capsys, "sync")[0] == 0
    assert len(lrs.stored_ids()) == len(GOOD) + 1


def test_a_rejected_statement_is_kept_aside_with_the_store_reason(lrs_env, data_dir, scenario, catalog, capsys):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        conn = store.connection
        (bad_id, text), = conn.execute("SELECT statement_id, statement FROM outbox WHERE position = 3").fetchall()
        damaged = json.loads(text)
        del damaged["actor"]  # e.g. written by a broken build: the store must refuse it
        conn.execute("UPDATE outbox SET statement = ? WHERE statement_id = ?",
                     (json.dumps(damaged, separators=(",", ":")), bad_id))
    code, out, err = _cli(capsys, "sync")
    assert code == 1 and "rejected 1 this time" in out
    stored = lrs_env.stored_ids()
    assert len(stored) == len(GOOD) and bad_id not in stored  # the five good ones went through
    code, out, _ = _cli(capsys, "lrs", "status")
    assert "rejected: 1" in out
    reason_line = next(line for line in out.splitlines() if bad_id in line)
    assert "422" in reason_line and "actor" in reason_line  # the store's own reason, kept
    assert _cli(capsys, "sync")[0] == 1  # still unsent, and not retried by itself:
    assert len(lrs_env.stored_ids()) == len(GOOD)
    with open_store(data_dir) as store:
        assert outbox.counts(store.connection) == {"queued": 0, "sent": len(GOOD), "rejected": 1}
        [kept] = outbox.rejected(store.connection)
        assert kept.statement_id == bad_id and kept.position == 3


def test_a_statement_the_store_already_holds_differently_is_not_rejected(lrs_env, data_dir, scenario, catalog,
                                                                        capsys):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, BAD)
    assert _cli(capsys, "sync")[0] == 0
    with open_store(data_dir) as store:
        conn = store.connection
        (sid, text), = conn.execute("SELECT statement_id, statement FROM outbox WHERE position = 1").fetchall()
        changed = text.replace('"en-US":"responded"', '"en-US":"answered"')
        outbox.queue(conn, 1, 1, changed, "2025-01-01T00:00:00.000Z")  # same id, different content
        assert outbox.counts(conn)["queued"] == 1
    code, out, err = _cli(capsys, "sync")
    assert code == 0, err  # 409: the store has that id; resending cannot change it, so it is done
    with open_store(data_dir) as store:
        assert outbox.counts(store.connection) == {"queued": 0, "sent": len(BAD) + 1, "rejected": 0}
    assert Counter(lrs_env.stored_ids())[sid] == 1


def test_kill_9_of_sync_mid_send_loses_nothing(lrs_env, data_dir, scenario, catalog, capsys):
    with open_store(data_dir) as store:
        expected = queue_copies(store, scenario, catalog, 4000)
    env = {**os.environ, "CUSTOMER_SIM_LRS_BATCH_SIZE": "20"}
    process = subprocess.Popen([sys.executable, "-m", "simulator", "sync", "-q"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: len(lrs_env.stored_ids()) >= 200 or process.poll() is not None, what="sending to start")
        assert process.poll() is None, "sync finished before it could be killed; queue more statements"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(30)
    with open_store(data_dir) as store:
        counts = outbox.counts(store.connection)
        assert counts["queued"] > 0 and counts["sent"] + counts["queued"] == len(expected)
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    code, out, err = _cli(capsys, "sync", "-q")
    assert code == 0, err
    ids = lrs_env.stored_ids()
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(expected)


def test_offline_play_then_the_store_comes_up_and_the_reports_match(ralph_python, monkeypatch, data_dir, tmp_path,
                                                                      capsys):
    endpoint = closed_port_endpoint()
    port = int(endpoint.split(":")[2].split("/")[0])
    server = RalphServer(ralph_python, tmp_path / "lrs", port=port)
    point_at(monkeypatch, endpoint, server.key, server.secret, data_dir, tmp_path)
    for profile, pick in (("Ana", 1), ("Ben", 2), ("Ana", 2), ("Dee", 3)):
        code, _, err = _cli(capsys, "run", str(TOUR), "--choices", _choices(TOUR, pick), "--profile", profile)
        assert code == 0, err
    code, out, err = _cli(capsys, "sync")
    assert code == 1 and "did not answer" in err  # offline: nothing lost, all still queued
    with open_store(data_dir) as store:
        queued = outbox.counts(store.connection)["queued"]
        assert queued > 8
    server.start()
    try:
        with open_store(data_dir) as store:  # as the game does: the background sender drains it
            sender = start_background_sender(store)
            assert sender is not None and sender.running
            sender.wake()
            wait_until(lambda: outbox.counts(store.connection)["queued"] == 0, what="the background sender")
        assert not sender.running  # closing the store stopped it
        assert len(server.stored_ids()) == queued
        with LrsClient(lrs_settings_for(server)) as client:  # small pages: `more` is followed
            assert len(list(client.iter_statements(page_limit=7))) == queued
        export_dir = tmp_path / "export"
        assert _cli(capsys, "export", "-o", str(export_dir))[0] == 0
        from_files = tmp_path / "from-files.txt"
        from_lrs = tmp_path / "from-lrs.txt"
        assert _cli(capsys, "report", str(export_dir / "attempts.json"), "-o", str(from_files), "-q")[0] == 0
        code, _, err = _cli(capsys, "report", "--lrs", "-o", str(from_lrs), "-q")
        assert code == 0, err
    finally:
        server.kill()
    text = from_lrs.read_text(encoding="utf-8")
    assert text == from_files.read_text(encoding="utf-8")
    assert "3 trainee(s), 4 attempt(s), 4 finished" in text
