"""One deadline for a whole HTTP exchange with the LRS: connect, TLS, request, headers, body.

httpx's timeouts are per operation: a server that sends its status line and headers a byte
at a time, each byte inside the read timeout, keeps a request open for as long as it likes.
The client here (lrs_client.LrsClient) hands httpcore a network backend whose every connect,
read and write first asks `clamp` for its timeout: the operation's own timeout cut to what
is left of the exchange's deadline, or an exception once nothing is left. So the deadline
holds wherever the server stalls, not only while the body is read.

Imported only by LrsClient (httpx and httpcore are slow to import; the game loads them only
when an LRS is set up).
"""

from __future__ import annotations

import ssl
import typing
from collections.abc import Callable

import httpcore
import httpx

Clamp = Callable[[float | None], float | None]
"""The timeout one network operation may wait; raises when the exchange's deadline is past."""


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own blocking sockets, each operation's timeout passed through `clamp`."""

    def __init__(self, clamp: Clamp) -> None:
        self._clamp = clamp
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable | None = None) -> httpcore.NetworkStream:
        stream = self._sockets.connect_tcp(host, port, self._clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._clamp)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._sockets.connect_unix_socket(path, self._clamp(timeout), socket_options),
                               self._clamp)

    def sleep(self, seconds: float) -> None:
        self._sockets.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, clamp: Clamp) -> None:
        self._stream = stream
        self._clamp = clamp

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, self._clamp(timeout)),
                               self._clamp)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


def deadline_transport(clamp: Clamp) -> httpx.HTTPTransport:
    """httpx's usual transport (same TLS settings and pool limits) over a DeadlineBackend.

    httpx has no public way to give its transport a network backend, so the pool it made is
    replaced by an equal one that has it. tests/records/test_lrs_deadline.py fails (the
    trickled headers are waited for) if a newer httpx stops reading `_pool`."""
    tls = httpx.create_ssl_context()  # made once (~50 ms) and handed to both
    transport = httpx.HTTPTransport(verify=tls)
    transport._pool.close()  # made with no connection yet; closed so nothing is left open
    transport._pool = httpcore.ConnectionPool(
        ssl_context=tls, max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
        network_backend=DeadlineBackend(clamp))
    return transport
