"""The exceptions a call raises: one class per wire error code (status.h), one base.

Every error jobwired answers is ``{"error": {"code", "message"}}``; the code picks the
class, and the exception keeps the code, the message and the HTTP status, so a caller can
catch a family (``except jobwire.NotFound``) or branch on ``err.code``.
"""
import json
from typing import Any, Dict, Optional, Type


class JobwireError(Exception):
    """Base of every jobwire error. Also raised, as is, for codes with no class of their own
    (``too_large``, ``too_many_requests``, ``internal``, …)."""

    def __init__(self, code: str, message: str, http_status: Optional[int] = None) -> None:
        super().__init__(f"{code}: {message}" if http_status is None else f"{code} ({http_status}): {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


class InvalidArgument(JobwireError):
    """400: the body or a parameter was refused (an unknown field is named); nothing was written."""


class Unauthorized(JobwireError):
    """401 ``unauthorized`` (no token, or a wrong one) and 403 ``forbidden``."""


class NotFound(JobwireError):
    """404: no such job (or parent)."""


class InvalidTransition(JobwireError):
    """409: the status machine refused the change (e.g. completed → running); nothing was written."""


class Conflict(JobwireError):
    """409 ``conflict``: e.g. an Idempotency-Key reused with a different body."""


class Reset(JobwireError):
    """410: the cursor is older than the retained log, beyond the head, or from another store
    (the epoch changed). Refetch the snapshots you keep, then follow events from ``seq``.

    ``oldest``, ``seq`` and ``epoch`` are what the server said about its log (None when unknown).
    """

    def __init__(self, code: str, message: str, http_status: Optional[int] = None, *,
                 oldest: Optional[int] = None, seq: Optional[int] = None, epoch: Optional[str] = None) -> None:
        super().__init__(code, message, http_status)
        self.oldest = oldest
        self.seq = seq
        self.epoch = epoch


class Unavailable(JobwireError):
    """503 ``unavailable``/``closed``, or the server could not be reached (``http_status`` None)
    once every retry was spent."""


_CLASS_BY_CODE: Dict[str, Type[JobwireError]] = {
    "invalid_argument": InvalidArgument,
    "unauthorized": Unauthorized,
    "forbidden": Unauthorized,
    "not_found": NotFound,
    "invalid_transition": InvalidTransition,
    "conflict": Conflict,
    "unavailable": Unavailable,
    "closed": Unavailable,
}

# What a body that is not jobwire's JSON (a proxy's HTML page, say) most likely means.
_CODE_BY_STATUS = {400: "invalid_argument", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                   410: "reset", 502: "unavailable", 503: "unavailable", 504: "unavailable"}


def error_from_response(http_status: int, body: bytes) -> JobwireError:
    """The exception for an error answer, from its status and body."""
    try:
        parsed: Any = json.loads(body)
        error = parsed["error"]
        code, message = str(error["code"]), str(error.get("message", ""))
    except (ValueError, TypeError, KeyError):
        parsed = {}
        code = _CODE_BY_STATUS.get(http_status, "http_error")
        message = body[:200].decode("utf-8", "replace").strip() or f"HTTP {http_status}"
    if code == "reset":
        return Reset(code, message, http_status,
                     oldest=parsed.get("oldest"), seq=parsed.get("seq"), epoch=parsed.get("epoch"))
    return _CLASS_BY_CODE.get(code, JobwireError)(code, message, http_status)
