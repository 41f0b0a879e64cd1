"""The async transport: HTTP/1.1 over asyncio streams, with a pool of keep-alive connections.

Only what jobwired (or a proxy in front of it) answers is read: a status line, headers, and
a body framed by Content-Length, chunked encoding, or the end of the connection. A
connection goes back to the pool only after a complete answer that allows keep-alive; any
failure or cancellation closes it, so a half-read answer is never mistaken for the next one.
"""
import asyncio
import ssl
from typing import Dict, List, Optional, Tuple

from ._base_url import BaseUrl

_MAX_LINE = 64 * 1024  # a status or header line longer than this is not an HTTP answer


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class ConnectionPool:
    def __init__(self, base_url: BaseUrl) -> None:
        self._base_url = base_url
        self._idle: List[_Connection] = []

    async def request(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str],
                      timeout: float) -> Tuple[int, bytes]:
        """Sends one request and reads the whole answer: (status, body). A timeout is raised
        as the built-in TimeoutError and a connection closed mid-answer as ConnectionResetError
        (both OSError, as with the sync transport)."""
        connection = self._take_idle()
        try:
            if connection is None:
                connection = await asyncio.wait_for(self._connect(), timeout)
            status, data, keep_alive = await asyncio.wait_for(
                self._exchange(connection, method, path, body, headers), timeout)
        except BaseException as exc:
            if connection is not None:
                connection.close()
            if isinstance(exc, asyncio.TimeoutError) and not isinstance(exc, TimeoutError):
                raise TimeoutError(f"no answer within {timeout} s") from exc  # Python < 3.11
            if isinstance(exc, asyncio.IncompleteReadError):
                raise ConnectionResetError("the server closed the connection mid-answer") from exc
            raise
        if keep_alive:
            self._idle.append(connection)
        else:
            connection.close()
        return status, data

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def _take_idle(self) -> Optional[_Connection]:
        # A pooled connection the server has since closed (a restart, its idle timeout) shows
        # as EOF: drop it rather than fail a request on it.
        while self._idle:
            connection = self._idle.pop()
            if not connection.reader.at_eof():
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        base = self._base_url
        context = ssl.create_default_context() if base.scheme == "https" else None
        reader, writer = await asyncio.open_connection(base.host, base.port, ssl=context, limit=_MAX_LINE)
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, method: str, path: str, body: Optional[bytes],
                        headers: Dict[str, str]) -> Tuple[int, bytes, bool]:
        base = self._base_url
        head = [f"{method} {base.path}{path} HTTP/1.1", f"Host: {base.host}:{base.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head.append(f"Content-Length: {len(body or b'')}")
        connection.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b""))
        await connection.writer.drain()
        return await _read_answer(connection.reader)


async def _read_answer(reader: asyncio.StreamReader) -> Tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the connection before answering")
    version, status, _ = status_line.decode("latin-1").split(" ", 2)
    fields: Dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        fields[name.strip().lower()] = value.strip()
    keep_alive = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
    if "chunked" in fields.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    elif "content-length" in fields:
        body = await reader.readexactly(int(fields["content-length"]))
    else:
        body, keep_alive = await reader.read(), False
    return int(status), body, keep_alive


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: List[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the CRLF after each chunk
