"""Fixtures and helpers for the LRS tests (imported by tests/records/test_lrs_*.py and by
bench/records.py): a real Ralph store per test, settings in the environment, and a fast
way to queue thousands of real statements.

`ralph_python` installs Ralph once per run (cached in .tools/ralph/) and skips with the
reason when it cannot be installed; `lrs` starts one on a free port and stops it after.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from lrs_ralph import RalphServer, RalphUnavailable, free_port, install_ralph

__all__ = ["ralph_python", "lrs", "lrs_env", "queue_copies", "wait_until", "lrs_settings_for"]


@pytest.fixture(scope="session")
def ralph_python() -> Path:
    try:
        return install_ralph()
    except RalphUnavailable as error:
        pytest.skip(f"Ralph (a real LRS) is not available here: {error}")


@pytest.fixture()
def lrs(ralph_python: Path, tmp_path: Path):
    server = RalphServer(ralph_python, tmp_path / "lrs").start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture()
def lrs_env(lrs: RalphServer, monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path):
    """The environment a trainee desktop has when its team lead set it up (env settings)."""
    point_at(monkeypatch, lrs.endpoint, lrs.key, lrs.secret, data_dir, tmp_path)
    return lrs


def point_at(monkeypatch: pytest.MonkeyPatch, endpoint: str, key: str, secret: str, data_dir: Path,
             tmp_path: Path) -> None:
    monkeypatch.setenv("CUSTOMER_SIM_LRS_ENDPOINT", endpoint)
    monkeypatch.setenv("CUSTOMER_SIM_LRS_KEY", key)
    monkeypatch.setenv("CUSTOMER_SIM_LRS_SECRET", secret)
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(data_dir))
    monkeypatch.delenv("CUSTOMER_SIM_XAPI_BASE", raising=False)
    monkeypatch.delenv("CUSTOMER_SIM_LRS_BATCH_SIZE", raising=False)


def lrs_settings_for(server_or_endpoint, key: str | None = None, secret: str | None = None, *,
                     batch_size: int = 100):
    from simulator.records.lrs_settings import LrsSettings

    endpoint = getattr(server_or_endpoint, "endpoint", server_or_endpoint)
    return LrsSettings(endpoint=endpoint, key=key or getattr(server_or_endpoint, "key", None),
                       secret=secret or getattr(server_or_endpoint, "secret", None), batch_size=batch_size)


def queue_copies(store, scenario, catalog, statements: int) -> list[str]:
    """Queue about `statements` real statements: attempts played through the game's
    recording wrapper, then copies of them under fresh uids (so fresh statement ids), each
    copy's statements built by the store's own builder and queued as a turn save would.
    Returns every queued statement id, oldest first."""
    from records_helpers import BAD, GOOD, record_play
    from simulator.records import outbox

    templates = [store.attempt(record_play(store, scenario, catalog, GOOD, profile="Ana")),
                 store.attempt(record_play(store, scenario, catalog, BAD, profile="Ben"))]
    ids = [row[0] for row in store.connection.execute("SELECT statement_id FROM outbox ORDER BY seq")]
    now = "2025-01-01T09:00:00.000Z"
    with store.batch():
        conn = store.connection
        n = 0
        while len(ids) < statements:
            attempt = replace(templates[n % 2], uid=str(uuid.uuid4()))
            n += 1
            attempt_id = store.import_attempt(attempt)
            texts = list(store.statements.lines(attempt))
            for position, text in enumerate(texts, start=1):
                last = position == len(texts) and attempt.status == "finished"
                ids.append(outbox.queue(conn, attempt_id, 0 if last else position, text, now))
    return ids


def wait_until(condition, timeout: float = 120.0, every: float = 0.05, what: str = "condition"):
    """Poll `condition` until it returns something truthy (bounded: fails after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def closed_port_endpoint() -> str:
    """An endpoint where nothing listens (the store is "down")."""
    return f"http://127.0.0.1:{free_port()}/xAPI/"
