"""``jobwire.AsyncClient``: the same calls as ``Client``, for asyncio.

Why asyncio streams and not the sync client in an executor:

* ``events()`` is a long-poll that stays open up to ``wait`` seconds a page. In an executor
  each open iterator would hold a thread of the loop's default pool (min(32, CPUs + 4)
  threads) for its whole life: a handful of followers plus bursts of writes would queue
  every other ``run_in_executor``/``to_thread`` user of the application behind them.
* Cancellation: cancelling a task that awaits an executor future does not stop the thread.
  The HTTP call would go on, holding its thread until its timeout, and a write could commit
  after its caller gave up. Over streams, cancelling closes the socket at once.
* Connections belong to the loop: a pool of keep-alive sockets, taken and returned without
  locks, instead of one connection per executor thread.

The price is a small HTTP/1.1 reader (_aio_http.py) for the answers jobwired gives. The
requests, the answers' decoding, the errors, the retry rule and the event cursor are the
sync client's own code (_api.py, errors.py, _retry.py, _cursor.py).
"""
import asyncio
import os
from collections import deque
from typing import Any, AsyncIterator, Deque, Iterable, Mapping, Optional, Sequence, Union

from . import _api
from ._aio_http import ConnectionPool
from ._api import Call, Json
from ._base_url import BaseUrl
from ._cursor import Event, EventCursor
from ._retry import RetryPolicy, give_up, is_retryable
from .client import DEFAULT_URL
from .version import USER_AGENT


class AsyncClient:
    """A producer's handle on jobwired for asyncio code; see ``Client`` for the arguments,
    the retry rule and the Idempotency-Key each write carries. Use it from one event loop;
    concurrent calls each take a pooled keep-alive connection."""

    def __init__(self, base_url: str = DEFAULT_URL, token: Optional[str] = None, *, timeout: float = 10.0,
                 retries: int = 5, backoff: float = 0.1, max_backoff: float = 5.0) -> None:
        self.base_url = base_url
        self._token = token if token is not None else os.environ.get("JOBWIRE_TOKEN")
        self._timeout = timeout
        self._policy = RetryPolicy(retries, backoff, max_backoff)
        self._pool = ConnectionPool(BaseUrl.parse(base_url))

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the pooled connections."""
        self._pool.close()

    # --- writes -----------------------------------------------------------------------

    async def create_job(self, type: str, *, project: Optional[str] = None, parent: Optional[str] = None,
                         priority: Optional[int] = None, id: Optional[str] = None,
                         idempotency_key: Optional[str] = None, **fields: Any) -> Json:
        given = dict(fields, project=project, parent=parent, priority=priority, id=id)
        return await self._send(_api.create_job(type, given, idempotency_key))

    async def set_status(self, job_id: str, status: str, *, error_message: Optional[str] = None,
                         idempotency_key: Optional[str] = None) -> Json:
        return await self._send(_api.set_status(job_id, status, error_message, idempotency_key))

    async def set_progress(self, job_id: str, percent: float, *, idempotency_key: Optional[str] = None) -> Json:
        return await self._send(_api.set_progress(job_id, percent, idempotency_key))

    async def append_log(self, job_id: str, lines: Union[str, Sequence[str]], *,
                         idempotency_key: Optional[str] = None) -> Json:
        return await self._send(_api.append_log(job_id, lines, idempotency_key))

    async def register_file(self, job_id: str, path: str, change: str = "created", *,
                            idempotency_key: Optional[str] = None) -> Json:
        return await self._send(_api.register_file(job_id, path, change, idempotency_key))

    async def update_job(self, job_id: str, *, idempotency_key: Optional[str] = None, **fields: Any) -> Json:
        return await self._send(_api.update_job(job_id, fields, idempotency_key))

    async def emit(self, type: str, *, job: Optional[str] = None, data: Optional[Mapping[str, Any]] = None,
                   idempotency_key: Optional[str] = None) -> Event:
        return await self._send(_api.emit(type, job, data, idempotency_key))

    # --- reads ------------------------------------------------------------------------

    async def get_job(self, job_id: str) -> Json:
        return await self._send(_api.get_job(job_id))

    async def list_jobs(self, *, status: Optional[str] = None, type: Optional[str] = None,
                        parent: Optional[str] = None, project: Optional[str] = None, since: Optional[str] = None,
                        offset: Optional[int] = None, limit: Optional[int] = None) -> Json:
        filters = {"status": status, "type": type, "parent": parent, "project": project, "since": since,
                   "offset": offset, "limit": limit}
        return await self._send(_api.list_jobs(filters))

    async def get_logs(self, job_id: str, *, offset: Optional[int] = None, limit: Optional[int] = None) -> Json:
        return await self._send(_api.get_logs(job_id, offset, limit))

    async def list_files(self, job_id: str) -> Json:
        return await self._send(_api.list_files(job_id))

    async def events_after(self, after: int = 0, *, limit: Optional[int] = None, project: Optional[str] = None,
                           job: Optional[str] = None, types: Optional[Iterable[str]] = None) -> Json:
        return await self._send(_api.events_page(after, 0, limit, project, job, types))

    def events(self, after: int = 0, *, epoch: Optional[str] = None, wait: float = 30, limit: Optional[int] = None,
               project: Optional[str] = None, job: Optional[str] = None,
               types: Optional[Iterable[str]] = None) -> "AsyncEventStream":
        """``async for event in client.events(after=N)``: as ``Client.events``."""
        if wait < 1:
            raise ValueError("wait must be at least 1 s: events() follows the log, a page at a time")
        return AsyncEventStream(self, EventCursor(after, epoch), wait, limit, project, job, types)

    # --- one call, with its retries ---------------------------------------------------

    async def _send(self, call: Call) -> Json:
        failures = 0
        while True:
            try:
                return await self._attempt(call)
            except Exception as exc:
                failures += 1
                if failures > self._policy.retries or not is_retryable(exc):
                    raise give_up(exc, self.base_url, failures)
                await asyncio.sleep(self._policy.delay(failures))

    async def _attempt(self, call: Call) -> Json:
        status, body = await self._pool.request(call.method, call.path, call.body,
                                                call.headers(self._token, USER_AGENT),
                                                self._timeout + call.extra_timeout)
        return _api.decode(status, body)


class AsyncEventStream(AsyncIterator[Event]):
    """As ``EventStream``, for ``async for``; ``cursor`` and ``epoch`` say where it stands."""

    def __init__(self, client: AsyncClient, cursor: EventCursor, wait: float, limit: Optional[int],
                 project: Optional[str], job: Optional[str], types: Optional[Iterable[str]]) -> None:
        self._client = client
        self._cursor = cursor
        self._filters = (wait, limit, project, job, types)
        self._pending: Deque[Event] = deque()
        self._store_checked = False

    @property
    def cursor(self) -> int:
        return self._cursor.after

    @property
    def epoch(self) -> Optional[str]:
        return self._cursor.epoch

    def __aiter__(self) -> "AsyncEventStream":
        return self

    async def __anext__(self) -> Event:
        while not self._pending:
            self._pending.extend(self._cursor.accept(await self._next_page()))
        return self._pending.popleft()

    async def _next_page(self) -> Json:
        failures = 0
        while True:
            try:
                if not self._store_checked:  # at start and after every reconnection
                    self._cursor.check_store(await self._client._attempt(_api.health()))
                    self._store_checked = True
                return await self._client._attempt(_api.events_page(self._cursor.after, *self._filters))
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                failures += 1
                self._store_checked = False
                await asyncio.sleep(self._client._policy.delay(failures))
