"""The sync transport: one keep-alive ``http.client`` connection per thread.

http.client connections are not thread-safe, and one shared connection would serialise
every thread's calls; a connection per thread (threading.local) needs no lock on the
request path and reuses each thread's socket for all its calls. The client keeps a weak
registry of them only so that close() can close every thread's socket.
"""
import http.client
import threading
import weakref
from typing import Dict, Tuple

from ._base_url import BaseUrl


class ConnectionPerThread:
    def __init__(self, base_url: BaseUrl) -> None:
        self._base_url = base_url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: "weakref.WeakSet[http.client.HTTPConnection]" = weakref.WeakSet()

    def request(self, method: str, path: str, body: bytes, headers: Dict[str, str],
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
            connections = list(self._open)
        for connection in connections:
            connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            base = self._base_url
            kind = http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
            connection = kind(base.host, base.port)
            self._local.connection = connection
            with self._lock:
                self._open.add(connection)
        return connection
