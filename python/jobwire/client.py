"""``jobwire.Client``: the write API and the snapshots of a running jobwired, from any thread."""
import os
import time
from collections import deque
from typing import Any, Deque, Iterable, Iterator, Mapping, Optional, Sequence, Union

from . import _api
from ._api import Call, Json
from ._base_url import BaseUrl
from ._cursor import Event, EventCursor
from ._http import ConnectionPerThread
from ._retry import RetryPolicy, give_up, is_retryable
from .version import USER_AGENT

DEFAULT_URL = "http://127.0.0.1:7700"


class Client:
    """A producer's handle on jobwired. Thread-safe: each thread gets its own keep-alive
    connection. Every write carries an Idempotency-Key made once per call (or the caller's
    ``idempotency_key=``) and reused by each retry, so a retried write commits once.

    ``token`` defaults to ``$JOBWIRE_TOKEN``. ``timeout`` bounds connecting and each wait for
    the server (seconds); failed attempts (connection refused or dropped, timeouts, 503) are
    retried up to ``retries`` times with exponential backoff and jitter from ``backoff`` up to
    ``max_backoff`` seconds. Refusals (InvalidArgument, NotFound, …) are raised at once.
    """

    def __init__(self, base_url: str = DEFAULT_URL, token: Optional[str] = None, *, timeout: float = 10.0,
                 retries: int = 5, backoff: float = 0.1, max_backoff: float = 5.0) -> None:
        self.base_url = base_url
        self._token = token if token is not None else os.environ.get("JOBWIRE_TOKEN")
        self._timeout = timeout
        self._policy = RetryPolicy(retries, backoff, max_backoff)
        self._connections = ConnectionPerThread(BaseUrl.parse(base_url))

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes every thread's connection. Call it once no call is in flight."""
        self._connections.close()

    # --- writes -----------------------------------------------------------------------

    def create_job(self, type: str, *, project: Optional[str] = None, parent: Optional[str] = None,
                   priority: Optional[int] = None, id: Optional[str] = None,
                   idempotency_key: Optional[str] = None, **fields: Any) -> Json:
        """Creates a job (status pending) and returns it. ``fields``: summary, file_path, … as
        the API names them; an unknown one is refused with InvalidArgument."""
        given = dict(fields, project=project, parent=parent, priority=priority, id=id)
        return self._send(_api.create_job(type, given, idempotency_key))

    def set_status(self, job_id: str, status: str, *, error_message: Optional[str] = None,
                   idempotency_key: Optional[str] = None) -> Json:
        """Moves the job to ``status``; a move the status machine refuses raises InvalidTransition."""
        return self._send(_api.set_status(job_id, status, error_message, idempotency_key))

    def set_progress(self, job_id: str, percent: float, *, idempotency_key: Optional[str] = None) -> Json:
        return self._send(_api.set_progress(job_id, percent, idempotency_key))

    def append_log(self, job_id: str, lines: Union[str, Sequence[str]], *,
                   idempotency_key: Optional[str] = None) -> Json:
        """Appends one line or several; returns ``{offset, lines, total_lines, job_id, seq}``."""
        return self._send(_api.append_log(job_id, lines, idempotency_key))

    def register_file(self, job_id: str, path: str, change: str = "created", *,
                      idempotency_key: Optional[str] = None) -> Json:
        """Records an artifact: ``change`` is created, modified or deleted."""
        return self._send(_api.register_file(job_id, path, change, idempotency_key))

    def update_job(self, job_id: str, *, idempotency_key: Optional[str] = None, **fields: Any) -> Json:
        """Patches summary, validation, error_message, output_path, file_path, policy_name, priority."""
        return self._send(_api.update_job(job_id, fields, idempotency_key))

    def emit(self, type: str, *, job: Optional[str] = None, data: Optional[Mapping[str, Any]] = None,
             idempotency_key: Optional[str] = None) -> Event:
        """Stores a custom ``x.*`` event and returns its envelope."""
        return self._send(_api.emit(type, job, data, idempotency_key))

    # --- reads ------------------------------------------------------------------------

    def get_job(self, job_id: str) -> Json:
        return self._send(_api.get_job(job_id))

    def list_jobs(self, *, status: Optional[str] = None, type: Optional[str] = None,
                  parent: Optional[str] = None, project: Optional[str] = None, since: Optional[str] = None,
                  offset: Optional[int] = None, limit: Optional[int] = None) -> Json:
        """``{jobs, total, offset, limit, seq, epoch}``, newest first."""
        filters = {"status": status, "type": type, "parent": parent, "project": project, "since": since,
                   "offset": offset, "limit": limit}
        return self._send(_api.list_jobs(filters))

    def get_logs(self, job_id: str, *, offset: Optional[int] = None, limit: Optional[int] = None) -> Json:
        """``{job_id, lines, total_lines, offset, has_more, seq}``."""
        return self._send(_api.get_logs(job_id, offset, limit))

    def list_files(self, job_id: str) -> Json:
        return self._send(_api.list_files(job_id))

    def events_after(self, after: int = 0, *, limit: Optional[int] = None, project: Optional[str] = None,
                     job: Optional[str] = None, types: Optional[Iterable[str]] = None) -> Json:
        """One page of the log: ``{events, next}``, the events after seq ``after`` (at most
        ``limit``, 100 by default) and the cursor to ask from next. Raises Reset like events()."""
        return self._send(_api.events_page(after, 0, limit, project, job, types))

    def events(self, after: int = 0, *, epoch: Optional[str] = None, wait: float = 30, limit: Optional[int] = None,
               project: Optional[str] = None, job: Optional[str] = None,
               types: Optional[Iterable[str]] = None) -> "EventStream":
        """The events after seq ``after``, forever, by long-poll (``wait`` seconds a page).

        Reconnects on its own, with backoff and without end, across connection errors and
        server restarts, resuming from its ``cursor``. Raises Reset when the cursor is older
        than the retained log or from another store (give the ``epoch`` the cursor came from
        to have that checked at start too): refetch your snapshots, then follow
        ``events(after=err.seq, epoch=err.epoch)``.
        """
        if wait < 1:
            raise ValueError("wait must be at least 1 s: events() follows the log, a page at a time")
        return EventStream(self, EventCursor(after, epoch), wait, limit, project, job, types)

    # --- one call, with its retries ---------------------------------------------------

    def _send(self, call: Call) -> Json:
        failures = 0
        while True:
            try:
                return self._attempt(call)
            except Exception as exc:
                failures += 1
                if failures > self._policy.retries or not is_retryable(exc):
                    raise give_up(exc, self.base_url, failures)
                time.sleep(self._policy.delay(failures))

    def _attempt(self, call: Call) -> Json:
        status, body = self._connections.request(call.method, call.path, call.body,
                                                 call.headers(self._token, USER_AGENT),
                                                 self._timeout + call.extra_timeout)
        return _api.decode(status, body)


class EventStream(Iterator[Event]):
    """Iterates events in seq order. ``cursor`` is the seq to resume after and ``epoch`` the
    store it belongs to: persist both to resume in another process."""

    def __init__(self, client: Client, cursor: EventCursor, wait: float, limit: Optional[int],
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

    def __iter__(self) -> "EventStream":
        return self

    def __next__(self) -> Event:
        while not self._pending:
            self._pending.extend(self._cursor.accept(self._next_page()))
        return self._pending.popleft()

    def _next_page(self) -> Json:
        failures = 0
        while True:
            try:
                if not self._store_checked:  # at start and after every reconnection
                    self._cursor.check_store(self._client._attempt(_api.health()))
                    self._store_checked = True
                return self._client._attempt(_api.events_page(self._cursor.after, *self._filters))
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                failures += 1
                self._store_checked = False
                time.sleep(self._client._policy.delay(failures))
