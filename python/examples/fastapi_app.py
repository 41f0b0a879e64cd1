"""FastAPI: an endpoint starts a job and answers at once; a background task does the work
and reports it to jobwired (running, a log line and the progress per step, then completed or
failed with the error). Browsers follow the job from jobwired, not from this app.

The logic is ``run_reported``, plain asyncio with no FastAPI in it (the tests drive it
against a real jobwired); the app below is defined only where FastAPI is installed:

    JOBWIRE_URL=http://127.0.0.1:7700 JOBWIRE_TOKEN=… uvicorn fastapi_app:app
"""
import asyncio
import functools
import os
from typing import Awaitable, Callable, Sequence

import jobwire

Step = Callable[[], Awaitable[str]]  # does a piece of the work, returns a line for the log


async def run_reported(client: jobwire.AsyncClient, job_id: str, steps: Sequence[Step]) -> None:
    """Runs ``steps`` in order as job ``job_id``. A failing step fails the job with its error
    (the exception is reported, not raised: a background task has no caller to raise to)."""
    await client.set_status(job_id, "running")
    try:
        for done, step in enumerate(steps, start=1):
            await client.append_log(job_id, await step())
            await client.set_progress(job_id, 100 * done / len(steps))
    except Exception as exc:  # noqa: BLE001  (any failure of the work fails the job)
        await client.set_status(job_id, "failed", error_message=f"{type(exc).__name__}: {exc}")
        return
    await client.set_status(job_id, "completed")


def report_steps(pages: int) -> Sequence[Step]:
    """Stand-in work: one step per page of a report."""
    async def render(page: int) -> str:
        await asyncio.sleep(0.5)
        return f"rendered page {page} of {pages}"
    return [functools.partial(render, page) for page in range(1, pages + 1)]


try:
    from fastapi import BackgroundTasks, FastAPI
except ImportError:  # run_reported works, and is tested, without FastAPI
    FastAPI = None

if FastAPI is not None:
    JOBWIRE_URL = os.environ.get("JOBWIRE_URL", "http://127.0.0.1:7700")
    app = FastAPI()
    client = jobwire.AsyncClient(JOBWIRE_URL)

    @app.post("/reports", status_code=202)
    async def start_report(background: BackgroundTasks, pages: int = 5) -> dict:
        job = await client.create_job("report", summary={"pages": pages})
        background.add_task(run_reported, client, job["id"], report_steps(pages))
        return {"job": job["id"], "follow": f"{JOBWIRE_URL}/api/events/stream?job={job['id']}"}

    @app.on_event("shutdown")
    async def close_client() -> None:
        await client.aclose()
