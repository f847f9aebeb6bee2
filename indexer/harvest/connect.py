"""Guarded connections for the harvester: checked addresses, and a deadline per download.

urllib's HTTP(S) handlers are replaced by ones whose connections

* resolve the host name themselves and connect only to an address the
  :class:`~indexer.harvest.netpolicy.AddressPolicy` allows — the address checked is the address
  connected to, so a name that resolves to a public address when checked and to 10.0.0.1 a
  moment later (DNS rebinding) cannot slip through;
* connect only to the host the fetcher approved for the current request (belt and braces
  against URL spellings that urllib and ``urlsplit`` read differently);
* register their sockets with the current :class:`Deadline`, which shuts them down when the
  request's time is up: a per-read socket timeout alone lets a server that sends one byte
  every few seconds hold a download for ever.

Proxies are not used (``http_proxy`` and friends are ignored): through a proxy the address
actually reached could not be checked.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

from indexer.harvest.netpolicy import AddressPolicy, normalize_host, refusal_reason

__all__ = ["ConnectionGuard", "ConnectionRefusedByPolicy", "Deadline", "build_guarded_opener"]


class ConnectionRefusedByPolicy(OSError):
    """A connection the policy forbids; ``status`` is ``blocked-address`` or ``off-site``."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Deadline:
    """A time limit for one request: when it passes, the request's sockets are shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._ends = time.monotonic() + seconds
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.fired:
                self._socks.append(sock)
                return
        _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # socket.socket.shutdown, not SSLSocket's: it wakes a reader blocked in another thread
    # without touching the TLS state that reader is using.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class ConnectionGuard:
    """Opens the harvester's connections: checks host and addresses, applies the deadline."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.expected_host: str | None = None  # normalised host of the request under way
        self.deadline: Deadline | None = None
        self.connections = 0  # connections made (refused ones are not counted)

    @contextlib.contextmanager
    def request(self, host: str, seconds: float) -> Iterator[Deadline]:
        """Scope one request (one redirect hop) to ``host`` and ``seconds``."""
        deadline = Deadline(seconds)
        self.expected_host, self.deadline = normalize_host(host), deadline
        deadline.start()
        try:
            yield deadline
        finally:
            deadline.cancel()
            self.expected_host, self.deadline = None, None

    def register(self, sock: socket.socket) -> None:
        if self.deadline is not None:
            self.deadline.register(sock)

    def create_connection(
        self,
        address: tuple[str, int],
        timeout: object = None,
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        """``socket.create_connection`` to an allowed address of ``address``'s host only."""
        host, port = address
        if self.expected_host is not None and normalize_host(host) != self.expected_host:
            raise ConnectionRefusedByPolicy(
                "off-site", f"connection to {host} refused: the request was for another host"
            )
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        permitted: list[str] = []
        refused: list[tuple[str, str]] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            literal = str(sockaddr[0])
            ip = ipaddress.ip_address(literal.split("%", 1)[0])
            category = self.policy.refused(ip)
            if category is None:
                if literal not in permitted:
                    permitted.append(literal)
            elif (str(ip), category) not in refused:
                refused.append((str(ip), category))
        if not permitted:
            raise ConnectionRefusedByPolicy("blocked-address", refusal_reason(host, refused))
        limit = timeout if isinstance(timeout, (int, float)) else None
        if self.deadline is not None:
            left = self.deadline.remaining()
            limit = left if limit is None else min(limit, left)
        last: OSError | None = None
        for literal in permitted:
            try:
                sock = socket.create_connection((literal, port), limit, source_address)
            except OSError as exc:
                last = exc
                continue
            if isinstance(timeout, (int, float)):
                sock.settimeout(timeout)  # the connect may have used less: reads get the full time
            self.connections += 1
            self.register(sock)
            return sock
        assert last is not None
        raise last


class _Guarded:
    """Connects through a ConnectionGuard and registers the socket it ends with (for HTTPS,
    the TLS socket that replaced the raw one)."""

    sock: Any

    def __init__(self, host: str, *, guard: ConnectionGuard, **kwargs: object) -> None:
        super().__init__(host, **kwargs)  # type: ignore[call-arg]
        self._guard = guard
        self._create_connection = guard.create_connection

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self._guard.register(self.sock)


class _GuardedHTTPConnection(_Guarded, http.client.HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, http.client.HTTPSConnection):
    pass


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: ConnectionGuard) -> None:
        super().__init__()
        self._guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPConnection, guard=self._guard), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: ConnectionGuard) -> None:
        super().__init__()
        self._guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(_GuardedHTTPSConnection, guard=self._guard),
            req,
            context=self._context,
        )


def build_guarded_opener(
    guard: ConnectionGuard, *extra: urllib.request.BaseHandler
) -> urllib.request.OpenerDirector:
    """An opener whose HTTP(S) connections go through ``guard`` and never through a proxy."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _GuardedHTTPHandler(guard),
        _GuardedHTTPSHandler(guard),
        *extra,
    )
