"""Records budgets with 10,000 stored attempts (issue 5):

* loading the progress screen's data (store + progress query, not the drawing) ≤ 100 ms
* exporting everything (CSV + JSON + xAPI, all attempts) ≤ 1 s
* saving one turn (median) ≤ 5 ms
* draining 10,000 queued xAPI statements into a real local LRS (Ralph, file-system backend,
  on 127.0.0.1; installed from tests/records/lrs-requirements.txt into .tools/ralph/) ≤ 30 s

The history is built from seeded random play-throughs of the shipped scenarios with the
real catalog, so rows carry real moods, transcripts and evidence; copies get fresh uids
and are inserted in one transaction (the bench measures reading and saving, not building).
Times are wall-clock, best of several runs; the export also reports the CPU time of the
bench's own process, which no longer includes the export's work when a long history is
written by two forked processes (exports.SHARE_OUT_FROM).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ATTEMPTS = 10_000
PROGRESS_BUDGET_MS = 100.0
EXPORT_BUDGET_S = 1.0
SAVE_TURN_BUDGET_MS = 5.0
DRAIN_STATEMENTS = 10_000
DRAIN_BUDGET_S = 30.0


def _scenarios(catalog) -> list:
    """The shipped scenarios (or the format tour when none load), as real content."""
    from simulator.paths import ROOT, SCENARIOS_DIR
    from simulator.scenario.loader import load_scenario

    paths = sorted(SCENARIOS_DIR.glob("*.yaml")) or [ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"]
    loaded = [load_scenario(path, catalog)[0] for path in paths]
    return [scenario for scenario in loaded if scenario is not None]


def _random_choices(scenario, catalog, rng) -> list[int]:
    from simulator.engine.session import Session

    session, choices = Session(scenario, catalog), []
    while session.result is None and len(choices) < 60:
        choices.append(int(rng.integers(len(session.options))))
        session.choose(choices[-1])
    return choices


def _fill(store, catalog, scenarios) -> None:
    """ATTEMPTS finished attempts for one trainee (the progress screen's worst case):
    real play-throughs recorded through the game's wrapper, then copied with new uids."""
    import uuid

    import numpy as np

    from simulator.records.game_bridge import AttemptRecorder

    rng = np.random.default_rng(5)
    templates = []
    for scenario in scenarios:
        for _ in range(4):
            play = AttemptRecorder.start(store, "Ana", scenario, catalog)
            for choice in _random_choices(scenario, catalog, rng):
                play.feed.play(play.session, choice)
            templates.append(store.attempt(play.attempt_id))
    with store.batch():
        for n in range(ATTEMPTS - len(templates)):
            store.import_attempt(replace(templates[n % len(templates)], uid=str(uuid.uuid4())))


def _best_of(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def run() -> list[tuple[str, float, str, float | None, bool | None]]:
    from simulator.engine.session import Session
    from simulator.records.exports import export
    from simulator.records.progress import load_progress
    from simulator.records.store import open_store
    from simulator.scenario.catalog import load_catalog

    catalog, _ = load_catalog()
    scenarios = _scenarios(catalog)
    rows = []
    with tempfile.TemporaryDirectory(prefix="records-bench-") as folder:
        store = open_store(Path(folder) / "data")
        _fill(store, catalog, scenarios)
        assert store.count() == ATTEMPTS

        progress_s = _best_of(lambda: load_progress(store, "Ana", catalog=catalog), 5)
        rows.append((f"progress data, {ATTEMPTS:,} attempts", progress_s * 1000, "ms", PROGRESS_BUDGET_MS,
                     progress_s * 1000 <= PROGRESS_BUDGET_MS))

        out = Path(folder) / "export"
        export_s = _best_of(lambda: export(store, out), 3)
        rows.append((f"export all (csv+json+xapi), {ATTEMPTS:,} attempts", export_s, "s", EXPORT_BUDGET_S,
                     export_s <= EXPORT_BUDGET_S))
        cpu = time.process_time()
        result = export(store, out)
        rows.append(("  the same, CPU time of this process (not its forked writers)", time.process_time() - cpu, "s",
                     None, None))
        rows.append(("  statements in the xAPI file", result.statements, "", None, None))
        for fmt in ("csv", "json", "xapi"):
            seconds = _best_of(lambda fmt=fmt: export(store, out / f"one.{fmt}", [fmt]), 2)
            rows.append((f"  {fmt} alone", seconds, "s", None, None))

        # Saving turns into the full database, as the game does: snapshot + record per turn.
        scenario = scenarios[0]
        timings = []
        while len(timings) < 200:
            session = Session(scenario, catalog)
            attempt_id = store.start_attempt("Ben", scenario, catalog, session.snapshot())
            while session.result is None and len(timings) < 200:
                record = session.choose(0)
                snapshot = session.snapshot()  # the game has this in hand anyway
                start = time.perf_counter()
                store.save_turn(attempt_id, snapshot, record)
                timings.append(time.perf_counter() - start)
        median_ms = statistics.median(timings) * 1000
        rows.append(("save a turn (median of 200)", median_ms, "ms", SAVE_TURN_BUDGET_MS,
                     median_ms <= SAVE_TURN_BUDGET_MS))
        rows.append(("save a turn (worst of 200)", max(timings) * 1000, "ms", None, None))
        store.close()
    rows += _lrs_drain(catalog)
    return rows


def _lrs_drain(catalog) -> list[tuple]:
    """10,000 real statements queued in a fresh records file, sent by the same Sender the
    game runs in the background (its default batch size), into Ralph on 127.0.0.1."""
    import sys

    from simulator.paths import ROOT

    sys.path.insert(0, str(ROOT / "tests" / "records"))
    from lrs_fixtures import lrs_settings_for, queue_copies
    from lrs_ralph import RalphServer, RalphUnavailable, install_ralph
    from records_helpers import build_scenario

    from simulator.records import outbox
    from simulator.records.lrs_sender import Sender
    from simulator.records.lrs_settings import DEFAULT_BATCH_SIZE
    from simulator.records.store import open_store

    name = f"drain {DRAIN_STATEMENTS:,} queued statements into a local LRS"
    try:
        python = install_ralph()
    except RalphUnavailable as error:
        return [(name, "skipped", "", None, None), (f"  ({error})"[:70], "", "", None, None)]
    with tempfile.TemporaryDirectory(prefix="lrs-bench-") as folder:
        server = RalphServer(python, Path(folder) / "lrs").start()
        try:
            store = open_store(Path(folder) / "data")
            ids = queue_copies(store, build_scenario(), catalog, DRAIN_STATEMENTS)
            sender = Sender(store.path, lrs_settings_for(server, batch_size=DEFAULT_BATCH_SIZE))
            start = time.perf_counter()
            result = sender.send_pending()
            seconds = time.perf_counter() - start
            sender.close()
            counts = outbox.counts(store.connection)
            store.close()
            stored = server.stored_ids()
        finally:
            server.kill()
    ok = seconds <= DRAIN_BUDGET_S and counts["queued"] == 0 and len(set(stored)) == len(ids) == len(stored)
    return [(name, seconds, "s", DRAIN_BUDGET_S, ok),
            (f"  statements per second (batches of {DEFAULT_BATCH_SIZE})", len(ids) / seconds, "/s", None, None),
            ("  requests / stored in the LRS / rejected", f"{result.requests} / {len(stored)} / {counts['rejected']}",
             "", None, None)]


if __name__ == "__main__":
    for row in run():
        print(row)
