"""Talking to the team's learning record store over HTTP (httpx), per xAPI 1.0.3.

Every request carries Basic auth from the settings and `X-Experience-API-Version`. Answers
are sorted into what the sender must do next (`Answer.kind`):

    sent        200 / 204: the store has the statements (204: it had them all already)
    conflict    409: a *different* statement with the same id is there
    rejected    another 4xx about the statements themselves (400, 413, 422 …): the store's
                reason is kept; never retried by itself
    auth        401 / 403: the key or secret is wrong; nothing is rejected, the outbox waits
    address     404 / 405: the endpoint is not an LRS statements resource (a wrong address
                must not get every statement rejected)
    throttled   429: wait (Retry-After when given)
    away        no connection, timeout, 502 / 503 / 504: the store is not there right now
    failed      500 and other 5xx: the store broke on these statements (the sender splits
                the batch to find which)

No message made here contains the secret (see LrsSettings.scrub).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx costs ~0.2 s to import: the game loads it only when an LRS is set up
    import httpx

from simulator.records.lrs_settings import LrsSettings
from simulator.records.xapi import XAPI_VERSION

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0  # a big batch into a slow store; the sender never waits on a frame
MAX_DETAIL = 300
# An answer is read up to this size, and a whole exchange (connect, request, status line,
# headers, body) takes at most this long: a wrong address that streamed "[[[[..." without
# end held 10 GB, and one sending a byte a second never finished (httpx's timeouts are per
# read, so a trickle never trips them; see lrs_deadline).
MAX_ANSWER_BYTES = 32 << 20  # a page of 500 statements is about 1 MB
ANSWER_DEADLINE_S = 60.0


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    status: int | None
    message: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class About:
    answered: bool
    status: int | None
    versions: tuple[str, ...]
    message: str


class LrsClient:
    """One connection pool to the LRS named in `settings` (which must be `configured`)."""

    def __init__(self, settings: LrsSettings, *, timeout: float | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        import httpx

        from simulator.records.lrs_deadline import deadline_transport
        self.settings = settings
        self._deadline = _Deadline()
        read = READ_TIMEOUT_S if timeout is None else timeout
        if transport is None:
            transport = deadline_transport(self._deadline.clamp)
        self._http = httpx.Client(
            base_url=settings.endpoint or "", auth=(settings.key or "", settings.secret or ""),
            headers={"X-Experience-API-Version": XAPI_VERSION, "User-Agent": "customer-sim"},
            timeout=httpx.Timeout(read, connect=min(CONNECT_TIMEOUT_S, read)), transport=transport,
            follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "LrsClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    def post_statements(self, texts: Sequence[str]) -> Answer:
        """POST a batch; the texts are already JSON, so they are joined, not re-encoded."""
        import httpx
        body = ("[" + ",".join(texts) + "]").encode("utf-8")
        try:
            response = self._request("POST", "statements", content=body,
                                     headers={"Content-Type": "application/json"})
        except (httpx.HTTPError, AnswerTooBig) as error:
            return Answer("away", None, self._scrub(f"the store at {self.settings.endpoint} did not answer "
                                                    f"({_error_text(error)})"))
        if response.status_code == 200 and not _is_id_list(_json(response), len(texts)):
            # a captive portal or a plain web page answers 200 too: nothing may count as sent
            return Answer("address", 200, f"{self.settings.statements_url()} answered 200 but not like an xAPI "
                                          "store (no list of statement ids); the endpoint usually ends in /xAPI/")
        return self._classify(response)

    def _request(self, method: str, url: str, **options) -> httpx.Response:
        """The answer, its body read to at most MAX_ANSWER_BYTES, the whole exchange within
        ANSWER_DEADLINE_S (AnswerTooBig otherwise); httpx.HTTPError when there is none."""
        import httpx
        self._deadline.start(ANSWER_DEADLINE_S)
        try:
            with self._http.stream(method, url, **options) as streamed:
                chunks, size = [], 0
                for chunk in streamed.iter_bytes():  # decoded: a gzip bomb counts at its real size
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise AnswerTooBig(f"its answer was larger than {MAX_ANSWER_BYTES >> 20} MB")
                    self._deadline.clamp(None)  # also for a transport handed in (no deadline backend)
                    chunks.append(chunk)
                headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() != "content-encoding"]
                return httpx.Response(streamed.status_code, headers=headers, content=b"".join(chunks),
                                      request=streamed.request)
        except httpx.TimeoutException:
            # an operation cut short to fit the deadline times out as httpx does: say which it was
            if self._deadline.passed():
                raise AnswerTooBig(_too_long()) from None
            raise
        finally:
            self._deadline.stop()

    def about(self) -> About:
        """GET about: does the store answer, and which xAPI versions does it speak?"""
        import httpx
        try:
            response = self._request("GET", "about")
        except (httpx.HTTPError, AnswerTooBig) as error:
            return About(False, None, (), self._scrub(f"no answer from {self.settings.endpoint} "
                                                      f"({_error_text(error)})"))
        header = response.headers.get("X-Experience-API-Version")
        if response.status_code == 200:
            about = _json(response)
            listed = about.get("version") if isinstance(about, dict) else None
            versions = tuple(str(v)[:40] for v in listed[:20]) if isinstance(listed, list) else ()
            if not versions and header:
                versions = (header,)
            return About(True, 200, versions, "the store answers")
        message = (f"the store answers, but its about resource gave {response.status_code}"
                   + (" (it does not implement /about)" if response.status_code == 404 else ""))
        return About(True, response.status_code, (header,) if header else (), message)

    def check_credentials(self) -> Answer:
        """GET statements?limit=1 with the key and secret: 'sent' means they work."""
        import httpx
        try:
            response = self._request("GET", "statements", params={"limit": 1})
        except (httpx.HTTPError, AnswerTooBig) as error:
            return Answer("away", None, self._scrub(f"no answer from {self.settings.endpoint} ({_error_text(error)})"))
        if response.status_code == 200:
            page = _json(response)
            if not (isinstance(page, dict) and isinstance(page.get("statements"), list)):
                return Answer("address", 200, f"{self.settings.statements_url()} answered 200 but not like an "
                                              "xAPI store (no statement result); the endpoint usually ends in /xAPI/")
            return Answer("sent", 200, f"key {self.settings.key!r} is accepted (reading statements works)")
        return self._classify(response)

    def iter_statements(self, params: dict | None = None, *, page_limit: int = 500) -> Iterator[dict]:
        """Every statement the store returns for `params`, following `more` page by page.
        Raises LrsError when a page cannot be read."""
        import httpx
        query = {"limit": page_limit, **(params or {})}
        url: str | None = "statements"
        seen_pages: set[str] = set()
        while url:
            try:
                response = self._request("GET", url, params=query if url == "statements" else None)
            except (httpx.HTTPError, AnswerTooBig) as error:
                raise LrsError(self._scrub(f"no answer from {self.settings.endpoint} ({_error_text(error)})")) from None
            if response.status_code != 200:
                raise LrsError(self._classify(response).message)
            page = _json(response)
            if not isinstance(page, dict):
                raise LrsError(f"the store sent a page that is not a JSON statement result ({url})")
            for statement in page.get("statements") or ():
                if isinstance(statement, dict):
                    yield statement
            more = page.get("more") or ""
            # `more` is relative to the server root (xAPI 1.0.3 §2.1.3); stop on a repeat.
            url = urljoin(str(self._http.base_url), more) if more and more not in seen_pages else None
            seen_pages.add(more)

    # ------------------------------------------------------------------ answers
    def _classify(self, response: httpx.Response) -> Answer:
        status = response.status_code
        detail = self._scrub(_detail(response))
        said = f"{status}{': ' + detail if detail else ''}"
        if status in (200, 204):
            return Answer("sent", status, "stored")
        if status == 409:
            return Answer("conflict", status, f"the store has a different statement with the same id ({said})")
        if status in (401, 403):
            return Answer("auth", status, f"the store refused key {self.settings.key!r} ({said}): check "
                                          "CUSTOMER_SIM_LRS_KEY and CUSTOMER_SIM_LRS_SECRET (or key/secret in "
                                          "the config file)")
        if status in (404, 405):
            return Answer("address", status, f"{self.settings.statements_url()} is not an xAPI statements resource "
                                             f"({said}); the endpoint usually ends in /xAPI/ or /data/xAPI/")
        if status == 429:
            return Answer("throttled", status, f"the store asks to slow down ({said})", _retry_after(response))
        if status in (502, 503, 504):
            return Answer("away", status, f"the store is not available right now ({said})", _retry_after(response))
        if 400 <= status < 500:
            return Answer("rejected", status, f"the store rejected it: {said}")
        return Answer("failed", status, f"the store failed ({said})")

    def _scrub(self, text: str) -> str:
        return self.settings.scrub(text)


class LrsError(Exception):
    """The store could not be read (for `report --lrs`); the message is for a person."""


class AnswerTooBig(Exception):
    """An answer past MAX_ANSWER_BYTES or ANSWER_DEADLINE_S; str() says which."""


def _too_long() -> str:
    return f"no complete answer within {ANSWER_DEADLINE_S:g} s"


class _Deadline(threading.local):
    """When the exchange under way on this thread must be over (None: none is under way)."""

    at: float | None = None

    def start(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def stop(self) -> None:
        self.at = None

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def clamp(self, timeout: float | None) -> float | None:
        """`timeout` cut to what is left of the deadline; AnswerTooBig when nothing is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise AnswerTooBig(_too_long())
        return left if timeout is None else min(timeout, left)


def _json(response: httpx.Response) -> object:
    """The body parsed, or None when it is not JSON (or nests past the parser's depth)."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def _is_id_list(body: object, count: int) -> bool:
    """What xAPI's POST statements answers: the list of the batch's statement ids (a store
    may leave out ids it already had, so fewer are fine)."""
    return isinstance(body, list) and len(body) <= count and all(isinstance(item, str) for item in body)


def _detail(response: httpx.Response) -> str:
    """The store's own reason, short: JSON {"detail"/"message"/"error"} or the start of the text."""
    body = _json(response)
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errors"):
            if key in body:
                value = body[key]
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                return text[:MAX_DETAIL]
    text = response.text.strip().replace("\n", " ")
    return text[:MAX_DETAIL]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 3600 else None


def _error_text(error: Exception) -> str:
    import httpx
    if isinstance(error, AnswerTooBig):
        return str(error)
    kind = {httpx.ConnectError: "connection refused or host unreachable", httpx.ConnectTimeout: "connection timed out",
            httpx.ReadTimeout: "no answer in time"}.get(type(error))
    return kind or type(error).__name__
