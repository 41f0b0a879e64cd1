"""jobwire for Python: report jobs to a running jobwired and follow its event log.

    import jobwire
    client = jobwire.Client("http://127.0.0.1:7700", token)
    job = client.create_job("build"); client.set_status(job["id"], "running")
"""
from .async_client import AsyncClient, AsyncEventStream
from .client import Client, EventStream
from .errors import (Conflict, InvalidArgument, InvalidTransition, JobwireError, NotFound, Reset, Unauthorized,
                     Unavailable)
from .version import __version__

__all__ = ["AsyncClient", "AsyncEventStream", "Client", "Conflict", "EventStream", "InvalidArgument",
           "InvalidTransition", "JobwireError", "NotFound", "Reset", "Unauthorized", "Unavailable", "__version__"]
