"""When a failed attempt is tried again, and how long to wait first.

A write is always safe to repeat: it carries an Idempotency-Key made once per logical call,
so the server commits it at most once however many attempts reach it. What is retried is
therefore decided by the failure alone: the server could not be reached or dropped the
connection, the attempt timed out, or the server said it is briefly unable (503, 408, 429).
"""
import http.client
import random
from .errors import JobwireError, Unavailable

# Wire codes that mean "try again shortly"; everything else is the caller's to handle.
RETRYABLE_CODES = frozenset({"unavailable", "closed", "timeout", "too_many_requests"})


class RetryPolicy:
    """Up to ``retries`` more attempts after the first; before attempt n+1 it waits a random
    time in [d/2, d], d = min(max_backoff, backoff · 2ⁿ). The jitter keeps many producers that
    lost the same server from all coming back in the same millisecond."""

    def __init__(self, retries: int, backoff: float, max_backoff: float) -> None:
        if retries < 0 or backoff < 0 or max_backoff < 0:
            raise ValueError("retries, backoff and max_backoff must not be negative")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts in a row (1, 2, …)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** min(failures - 1, 32))
        return random.uniform(ceiling / 2, ceiling)


def is_retryable(exc: BaseException) -> bool:
    """True for a failure that a later attempt may not meet: a connection refused, reset or
    timed out (OSError covers each), a broken HTTP answer, or a 'try again' code."""
    if isinstance(exc, JobwireError):
        return exc.code in RETRYABLE_CODES
    return isinstance(exc, (OSError, http.client.HTTPException))


def give_up(exc: BaseException, base_url: str, attempts: int) -> BaseException:
    """What the caller sees once no attempt is left: the server's own error as it is; a
    transport failure as Unavailable (no HTTP status), with the cause chained."""
    if isinstance(exc, JobwireError):
        return exc
    reason = str(exc) or type(exc).__name__
    error = Unavailable("unavailable", f"no answer from {base_url} after {attempts} attempt(s): {reason}")
    error.__cause__ = exc
    return error
