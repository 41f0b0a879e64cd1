"""The HTTP API as data: each method of the clients becomes one ``Call`` (method, path,
body, idempotency key), and each answer is decoded in one place. No I/O here, so the sync
and the async client send exactly the same requests.
"""
import json
import uuid
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union
from urllib.parse import quote, urlencode

from .errors import error_from_response

Json = Dict[str, Any]


class Call:
    """One logical request. Built once per call, so every retry of a write sends the same
    body with the same Idempotency-Key."""

    __slots__ = ("method", "path", "body", "idempotency_key", "extra_timeout")

    def __init__(self, method: str, path: str, body: Optional[Json] = None, *,
                 idempotency_key: Optional[str] = None, extra_timeout: float = 0.0) -> None:
        self.method = method
        self.path = path
        self.body = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        self.extra_timeout = extra_timeout  # a long-poll may legitimately stay silent this long
        self.idempotency_key: Optional[str] = None
        if method != "GET":
            self.idempotency_key = idempotency_key if idempotency_key is not None else uuid.uuid4().hex

    def headers(self, token: Optional[str], user_agent: str) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": user_agent}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if self.body is not None:
            headers["Content-Type"] = "application/json"
        if self.idempotency_key is not None:
            headers["Idempotency-Key"] = self.idempotency_key
        return headers


def decode(http_status: int, body: bytes) -> Json:
    """The parsed JSON of a success (every route answers an object); the matching
    JobwireError for anything else."""
    if 200 <= http_status < 300:
        answer: Json = json.loads(body)
        return answer
    raise error_from_response(http_status, body)


def _job_path(job_id: str, *rest: str) -> str:
    # Ids are made by the server or the caller; quote them so any id reaches its own route.
    return "/".join(("/api/jobs", quote(job_id, safe=""), *rest))


def _with_query(path: str, params: Mapping[str, Any]) -> str:
    given = {name: value for name, value in params.items() if value is not None}
    return f"{path}?{urlencode(given)}" if given else path


def _given(fields: Mapping[str, Any]) -> Json:
    return {name: value for name, value in fields.items() if value is not None}


def create_job(job_type: str, fields: Mapping[str, Any], key: Optional[str]) -> Call:
    return Call("POST", "/api/jobs", {"type": job_type, **_given(fields)}, idempotency_key=key)


def set_status(job_id: str, status: str, error_message: Optional[str], key: Optional[str]) -> Call:
    return Call("POST", _job_path(job_id, "status"),
                _given({"status": status, "error_message": error_message}), idempotency_key=key)


def set_progress(job_id: str, percent: float, key: Optional[str]) -> Call:
    return Call("POST", _job_path(job_id, "progress"), {"progress": percent}, idempotency_key=key)


def append_log(job_id: str, lines: Union[str, Sequence[str]], key: Optional[str]) -> Call:
    return Call("POST", _job_path(job_id, "logs"),
                {"lines": [lines] if isinstance(lines, str) else list(lines)}, idempotency_key=key)


def register_file(job_id: str, path: str, change: str, key: Optional[str]) -> Call:
    return Call("POST", _job_path(job_id, "files"), {"path": path, "change": change}, idempotency_key=key)


def update_job(job_id: str, fields: Mapping[str, Any], key: Optional[str]) -> Call:
    # Every given field is sent, None included: the server decides what null means.
    return Call("PATCH", _job_path(job_id), dict(fields), idempotency_key=key)


def emit(event_type: str, job: Optional[str], data: Optional[Mapping[str, Any]], key: Optional[str]) -> Call:
    return Call("POST", "/api/events", _given({"type": event_type, "job": job, "data": data}), idempotency_key=key)


def get_job(job_id: str) -> Call:
    return Call("GET", _job_path(job_id))


def list_jobs(filters: Mapping[str, Any]) -> Call:
    return Call("GET", _with_query("/api/jobs", filters))


def get_logs(job_id: str, offset: Optional[int], limit: Optional[int]) -> Call:
    return Call("GET", _with_query(_job_path(job_id, "logs"), {"offset": offset, "limit": limit}))


def list_files(job_id: str) -> Call:
    return Call("GET", _job_path(job_id, "files"))


def health() -> Call:
    return Call("GET", "/healthz")


def events_page(after: int, wait: float, limit: Optional[int], project: Optional[str], job: Optional[str],
                types: Optional[Iterable[str]]) -> Call:
    query = {"after": after, "wait": int(wait), "limit": limit, "project": project, "job": job,
             "types": None if types is None else ",".join(types)}
    return Call("GET", _with_query("/api/events", query), extra_timeout=int(wait))
