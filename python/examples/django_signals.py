"""Django: every save of your own job model becomes jobwire events (status, progress, files).

The logic is ``JobMirror``, plain Python with no Django in it (the tests drive it against a
real jobwired); the Django part is ``connect()``, a ``post_save`` receiver of a few lines.

    # yourapp/apps.py
    class YourAppConfig(AppConfig):
        def ready(self):
            from .models import Render
            connect(Render, JobMirror(jobwire.Client(settings.JOBWIRE_URL, settings.JOBWIRE_TOKEN),
                                      job_type="render"))

The receiver publishes after the transaction commits (``transaction.on_commit``), so a save
that is rolled back never shows on a screen.
"""
from typing import Any, Callable, NamedTuple, Optional, Sequence

import jobwire

try:
    from django.db import transaction
    from django.db.models.signals import post_save
except ImportError:  # JobMirror works, and is tested, without Django
    transaction = post_save = None

# Where the status machine only allows a move through `running`, the mirror takes that step.
_VIA_RUNNING = {"completed"}


class JobState(NamedTuple):
    """What the mirror needs from one of your rows."""
    id: str  # letters, digits and . _ : - (e.g. f"render:{pk}")
    status: str  # pending | running | completed | failed | cancelled
    progress: Optional[float] = None
    error_message: Optional[str] = None
    files: Sequence[str] = ()


class JobMirror:
    """Brings the jobwire job with the row's id to the row's state, sending only what differs
    from what jobwire already has, so saving a row twice publishes nothing twice."""

    def __init__(self, client: jobwire.Client, *, job_type: str = "task", project: str = "default") -> None:
        self.client = client
        self.job_type = job_type
        self.project = project

    def sync(self, state: JobState) -> dict:
        job = self._current(state.id)
        if state.status != job["status"]:
            if state.status in _VIA_RUNNING and job["status"] == "pending":
                self.client.set_status(state.id, "running")
            job = self.client.set_status(state.id, state.status, error_message=state.error_message)
        if state.progress is not None and state.progress != job["progress_percent"] and job["status"] == "running":
            job = self.client.set_progress(state.id, state.progress)
        known = {entry["path"] for entry in self.client.list_files(state.id)["files"]}
        for path in state.files:
            if path not in known:
                self.client.register_file(state.id, path)
        return job

    def _current(self, job_id: str) -> dict:
        try:
            return self.client.get_job(job_id)
        except jobwire.NotFound:
            return self.client.create_job(self.job_type, id=job_id, project=self.project)


def connect(model: Any, mirror: JobMirror, to_state: Optional[Callable[[Any], JobState]] = None) -> None:
    """Publishes every committed save of ``model`` through ``mirror``. ``to_state`` reads a
    row (default: ``status``, ``progress``, ``error_message`` fields, id ``<model>:<pk>``)."""
    if post_save is None:
        raise RuntimeError("django is not installed")
    read = to_state or _default_state

    def on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        state = read(instance)
        transaction.on_commit(lambda: mirror.sync(state))

    post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"jobwire-mirror-{model.__name__}")


def _default_state(instance: Any) -> JobState:
    return JobState(id=f"{type(instance).__name__.lower()}:{instance.pk}", status=instance.status,
                    progress=getattr(instance, "progress", None),
                    error_message=getattr(instance, "error_message", None))
