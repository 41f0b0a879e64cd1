"""The sync transport: one keep-alive ``http.client`` connection per thread.

http.client connections are not thread-safe, and one shared connection would serialise
every thread's calls; a connection per thread (threading.local) needs no lock on the
request path and reuses each thread's socket for all its calls. A thread's socket is closed
when the thread ends (its locals are dropped) or when the client is closed.
"""
import http.client
import socket
import threading
import weakref
from typing import Dict, Optional, Tuple

from ._base_url import BaseUrl


class _NoDelay:
    """http.client sends a request's headers and its body in two writes; with Nagle's
    algorithm on, the body can wait for the server to acknowledge the headers."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]


class _HTTPConnection(_NoDelay, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_NoDelay, http.client.HTTPSConnection):
    pass


class _ThreadConnection:
    """A thread's connection, closed when the thread's locals are dropped."""

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self.connection = connection
        weakref.finalize(self, connection.close)


class ConnectionPerThread:
    def __init__(self, base_url: BaseUrl) -> None:
        self._base_url = base_url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: "weakref.WeakSet[_ThreadConnection]" = weakref.WeakSet()  # for close()

    def request(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str],
                timeout: float) -> Tuple[int, bytes]:
        """Sends one request and reads the whole answer: (status, body). Any failure closes
        the connection (a half-read answer cannot be reused) and propagates."""
        connection = self._connection()
        connection.timeout = timeout  # used when it (re)connects
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request(method, self._base_url.path + path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except BaseException:
            connection.close()
            raise
        # http.client closes the socket itself when the server said Connection: close, and
        # reconnects on the next request.
        return response.status, data

    def close(self) -> None:
        with self._lock:
            held = list(self._open)
        for thread_connection in held:
            thread_connection.connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        held = getattr(self._local, "held", None)
        if held is None:
            base = self._base_url
            kind = _HTTPSConnection if base.scheme == "https" else _HTTPConnection
            held = self._local.held = _ThreadConnection(kind(base.host, base.port))
            with self._lock:
                self._open.add(held)
        return held.connection
