"""What a wrong or broken address answers (hostile round 3): a web page or captive portal
that says 200 to anything, JSON of the wrong shape or nested past the parser, an answer
that never ends or trickles a byte at a time. Nothing may count as sent, no command may
raise, and no answer is held in memory past MAX_ANSWER_BYTES."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from simulator.records import lrs_client
from simulator.records.lrs_client import LrsClient, LrsError
from simulator.records.lrs_settings import LrsSettings

SETTINGS = LrsSettings(endpoint="http://lrs.invalid/xAPI/", key="desk", secret="s3cret-Zebra-42")
STATEMENT = '{"id": "8c5989c2-a507-5066-94d4-d1154a6bebda"}'


def _client(answer) -> LrsClient:
    return LrsClient(SETTINGS, transport=httpx.MockTransport(answer))


@pytest.mark.parametrize("body", [b"<html>Welcome to the hotel wifi</html>", b'{"a": 1}', b"[1, 2]",
                                  b'{"version": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_a_200_that_is_not_an_xapi_answer_sends_nothing(body):
    # each of these marked the whole outbox sent (or raised RecursionError / AttributeError)
    with _client(lambda request: httpx.Response(200, content=body)) as client:
        answer = client.post_statements([STATEMENT])
        assert answer.kind == "address" and "not like an xAPI store" in answer.message
        assert client.check_credentials().kind == "address"
        about = client.about()
        assert about.answered and about.versions == ()
        try:  # a page that is no statement result is an error; an object without statements is empty
            assert list(client.iter_statements()) == []
        except LrsError as error:
            assert "not a JSON statement result" in str(error)


def test_the_statement_ids_a_store_answers_count_as_sent():
    ids = b'["8c5989c2-a507-5066-94d4-d1154a6bebda"]'
    with _client(lambda request: httpx.Response(200, content=ids)) as client:
        assert client.post_statements([STATEMENT]).kind == "sent"


def test_an_answer_that_never_ends_is_cut_at_the_cap(monkeypatch):
    # an address streaming "[[[[" without end held 10 GB before the parser even started
    monkeypatch.setattr(lrs_client, "MAX_ANSWER_BYTES", 4 << 20)
    sent = []

    def endless(request):
        def chunks():
            for _ in itertools.count():
                sent.append(1)
                yield b"[" * (1 << 20)
        return httpx.Response(200, content=chunks())

    with _client(endless) as client:
        answer = client.post_statements([STATEMENT])
    assert answer.kind == "away" and "larger than 4 MB" in answer.message
    assert len(sent) <= 6


def test_an_answer_that_trickles_stops_at_the_deadline(monkeypatch):
    # httpx's timeouts are per read: one byte a second never tripped them
    monkeypatch.setattr(lrs_client, "ANSWER_DEADLINE_S", 0.3)

    def trickle(request):
        def chunks():
            while True:
                time.sleep(0.05)
                yield b" "
        return httpx.Response(200, content=chunks())

    started = time.monotonic()
    with _client(trickle) as client:
        answer = client.check_credentials()
    assert answer.kind == "away" and "no complete answer within 0.3 s" in answer.message
    assert time.monotonic() - started < 5
