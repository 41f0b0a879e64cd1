"""The examples' logic against a real jobwired, without Django or FastAPI installed."""
import sys
import unittest

from support import PYTHON_DIR, client_for, start_jobwired

import jobwire

sys.path.insert(0, str(PYTHON_DIR / "examples"))
from django_signals import JobMirror, JobState  # noqa: E402
from fastapi_app import run_reported  # noqa: E402


class DjangoMirrorTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)
        self.client = client_for(self, self.server)
        self.mirror = JobMirror(self.client, job_type="render")

    def events(self) -> list:
        return [(e["type"], e["data"].get("status", e["data"].get("path"))) for e in
                self.client.events_after(0, types=["job.created", "job.status", "job.progress", "job.file"])["events"]]

    def test_saves_become_status_progress_and_file_events_once_each(self) -> None:
        self.mirror.sync(JobState("render:1", "pending"))
        self.mirror.sync(JobState("render:1", "running", progress=40))
        self.mirror.sync(JobState("render:1", "running", progress=40))  # saved again, unchanged
        job = self.mirror.sync(JobState("render:1", "completed", files=["out/1.png"]))
        self.assertEqual((job["type"], job["status"], job["progress_percent"]), ("render", "completed", 100))
        self.assertEqual([kind for kind, _ in self.events()],
                         ["job.created", "job.status", "job.progress", "job.status", "job.file"])

    def test_a_row_that_jumps_from_pending_to_completed_goes_through_running(self) -> None:
        self.mirror.sync(JobState("render:2", "completed"))
        self.assertEqual([detail for kind, detail in self.events() if kind == "job.status"],
                         ["running", "completed"])

    def test_a_failed_row_carries_its_error(self) -> None:
        job = self.mirror.sync(JobState("render:3", "failed", error_message="out of memory"))
        self.assertEqual((job["status"], job["error_message"]), ("failed", "out of memory"))


class FastApiBackgroundTaskTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)

    async def asyncSetUp(self) -> None:
        self.client = jobwire.AsyncClient(self.server.url, self.server.token)

    async def asyncTearDown(self) -> None:
        await self.client.aclose()

    async def test_the_task_reports_each_step_and_completes(self) -> None:
        job = await self.client.create_job("report")

        async def step() -> str:
            return "page done"
        await run_reported(self.client, job["id"], [step, step, step, step])
        done = await self.client.get_job(job["id"])
        self.assertEqual((done["status"], done["log_lines"]), ("completed", 4))
        progress = (await self.client.events_after(0, types=["job.progress"]))["events"]
        self.assertEqual([e["data"]["progress_percent"] for e in progress], [25, 50, 75, 100])

    async def test_a_failing_step_fails_the_job_with_its_error(self) -> None:
        job = await self.client.create_job("report")

        async def broken() -> str:
            raise OSError("disk full")
        await run_reported(self.client, job["id"], [broken])
        failed = await self.client.get_job(job["id"])
        self.assertEqual((failed["status"], failed["error_message"]), ("failed", "OSError: disk full"))


if __name__ == "__main__":
    unittest.main()
