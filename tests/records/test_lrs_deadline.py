"""One deadline holds for a whole exchange with the LRS, not only while the body is read: a
server on 127.0.0.1 (started and stopped here) that sends its status line and headers a
byte at a time, each byte well inside httpx's per-read timeout, kept `sync` waiting until
it had finished. Now the client gives up at the deadline with a message saying so, and the
statements stay queued to be sent again."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from lrs_fixtures import point_at
from records_helpers import GOOD, record_play
from simulator.cli import main
from simulator.records import lrs_client, outbox
from simulator.records.store import open_store

KEY, SECRET = "desk", "s3cret-Zebra-42"


class TrickleStore:
    """A pretend LRS that keeps every POST of statements: 200 with their ids, or 204 (it had
    them all already) when `empty`; its status line and headers sent `delay` s per byte."""

    def __init__(self, delay: float, padding: int = 100, *, empty: bool = False) -> None:
        self.delay = delay
        self.empty = empty
        self.padding = padding  # header bytes trickled: `padding * delay` s before the answer ends
        self.posts = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # so the loop sees _stop
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/xAPI/"

    def __enter__(self) -> "TrickleStore":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            with conn:
                try:
                    self._answer(conn)
                except OSError:
                    pass  # the client gave up and closed: what the deadline is for

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536) or b"\r\n\r\n"
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        self.posts += 1
        ids = json.dumps([statement["id"] for statement in json.loads(body or b"[]")]).encode()
        status = b"204 No Content" if self.empty else b"200 OK"
        ids = b"" if self.empty else ids
        slow = b"HTTP/1.1 " + status + b"\r\nX-Padding: " + b"." * self.padding + b"\r\n"
        for byte in slow:
            if self._stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.delay)
        conn.sendall(b"Content-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(ids), ids))


@pytest.fixture()
def queued(data_dir, scenario, catalog) -> int:
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        return outbox.counts(store.connection)["queued"]


def _sync(capsys, monkeypatch, data_dir, tmp_path, endpoint: str) -> tuple[int, str, str]:
    point_at(monkeypatch, endpoint, KEY, SECRET, data_dir, tmp_path)
    code = main(["sync"])
    out, err = capsys.readouterr()
    return code, out, err


def test_headers_trickled_a_byte_at_a_time_stop_at_the_deadline_and_keep_the_outbox(
        queued, capsys, monkeypatch, data_dir, tmp_path):
    # The answer is complete after ~7 s and, were it waited for, every statement would count
    # as sent. It is a 204 (no body) so that nothing but the headers takes time: the deadline
    # checked only while reading the body never came into play. At 0.4 s the client gives up.
    monkeypatch.setattr(lrs_client, "ANSWER_DEADLINE_S", 0.4)
    with TrickleStore(delay=0.02, padding=350, empty=True) as store:
        code, out, err = _sync(capsys, monkeypatch, data_dir, tmp_path, store.endpoint)
    assert store.posts == 1  # it did reach the store: the stall was in the answer
    assert code == 1
    assert "did not answer (no complete answer within 0.4 s)" in err, err
    assert SECRET not in out + err
    with open_store(data_dir) as records:
        assert outbox.counts(records.connection) == {"queued": queued, "sent": 0, "rejected": 0}
        assert "within 0.4 s" in outbox.notes(records.connection)["last_error"][0]


def test_the_same_store_answering_at_once_gets_everything_sent(queued, capsys, monkeypatch, data_dir, tmp_path):
    # the deadline backend carries ordinary exchanges too (and the store above is a fair one)
    monkeypatch.setattr(lrs_client, "ANSWER_DEADLINE_S", 5.0)
    with TrickleStore(delay=0.0) as store:
        code, out, err = _sync(capsys, monkeypatch, data_dir, tmp_path, store.endpoint)
    assert code == 0, err
    assert f"sent {queued}, rejected 0" in out
    with open_store(data_dir) as records:
        assert outbox.counts(records.connection) == {"queued": 0, "sent": queued, "rejected": 0}
