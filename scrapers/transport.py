"""The transport under the polite client: every connect, write and read keeps to a deadline.

httpx's timeouts are per operation: a server that sends a byte every few seconds never trips a
read timeout and can hold a request for hours. :func:`deadline` sets, for the calling thread,
the instant by which the whole request (connecting, sending, the headers and every byte of the
body) must be over; :class:`DeadlineTransport` gives each socket operation only the time left
before it, so the request fails with a timeout at the deadline whatever the server does.
Outside a :func:`deadline` block the per-operation timeouts alone apply.

``ConnectTo`` is the same transport opening its connections to another address
(``PoliteClient(connect_to=...)``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

_DEADLINE: ContextVar[float | None] = ContextVar("request_deadline", default=None)

# httpx's own pool limits (httpx.HTTPTransport's defaults).
_POOL = {"max_connections": 100, "max_keepalive_connections": 20, "keepalive_expiry": 5.0}


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Within the block, this thread's requests must be over ``seconds`` from now (monotonic);
    yields the instant."""
    at = time.monotonic() + seconds
    token = _DEADLINE.set(at)
    try:
        yield at
    finally:
        _DEADLINE.reset(token)


def past_deadline() -> bool:
    """Whether the calling thread's deadline, if any, has passed."""
    at = _DEADLINE.get()
    return at is not None and time.monotonic() >= at


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    """The timeout for one operation: the per-operation ``timeout``, cut to what is left."""
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, left, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# httpcore's errors and the httpx errors of the same names, which is what callers of an httpx
# transport expect.
_ERRORS = (
    httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except _ERRORS as error:
        raise getattr(httpx, type(error).__name__, httpx.TransportError)(str(error)) from error


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        with _as_httpx_errors():
            self._stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """An HTTP/1.1 transport (TLS verified as httpx does) whose socket operations keep to the
    calling thread's :func:`deadline`."""

    def __init__(self) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend(), **_POOL
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_ResponseStream(response.stream), extensions=response.extensions)

    def close(self) -> None:
        self._pool.close()


class ConnectTo(DeadlineTransport):
    """A transport that opens its connections to ``address`` (``host[:port]``) whatever host the
    URL names; the request, its Host header and the TLS server name are left as they are."""

    def __init__(self, address: str) -> None:
        super().__init__()
        try:
            target = httpx.URL(f"http://{address}")
        except httpx.InvalidURL as exc:
            raise ValueError(f"connect_to address {address!r}: {exc}") from None
        if not target.host or target.raw_path not in (b"", b"/"):
            raise ValueError(f"connect_to address {address!r} is not host[:port]")
        self._host, self._port = target.host, target.port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        named = request.url
        request.url = named.copy_with(host=self._host, port=self._port or named.port)
        if named.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": named.host}
        return super().handle_request(request)
