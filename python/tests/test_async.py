"""AsyncClient: the same calls, errors, retries and event stream as Client, on asyncio."""
import asyncio
import time
import unittest

from support import start_jobwired

import jobwire


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)  # before the loop runs: starting it blocks

    async def asyncSetUp(self) -> None:
        self.client = jobwire.AsyncClient(self.server.url, self.server.token, retries=12, backoff=0.05,
                                          max_backoff=0.5)

    async def asyncTearDown(self) -> None:
        await self.client.aclose()

    async def log_events(self, job_id: str) -> list:
        return (await self.client.events_after(0, job=job_id, types=["job.log"]))["events"]

    async def test_every_write_and_read(self) -> None:
        c = self.client
        job = await c.create_job("build", project="web", summary={"n": 1})
        self.assertEqual((job["status"], job["project"]), ("pending", "web"))
        self.assertEqual((await c.set_status(job["id"], "running"))["status"], "running")
        self.assertEqual((await c.set_progress(job["id"], 30))["progress_percent"], 30)
        self.assertEqual((await c.append_log(job["id"], ["a", "b"]))["total_lines"], 2)
        self.assertEqual((await c.register_file(job["id"], "out/a.txt", "created"))["path"], "out/a.txt")
        self.assertEqual((await c.update_job(job["id"], output_path="out/"))["output_path"], "out/")
        event = await c.emit("x.note", job=job["id"], data={"k": "v"})
        self.assertEqual(event["data"], {"k": "v"})
        self.assertEqual((await c.get_job(job["id"]))["progress_percent"], 30)
        self.assertEqual((await c.list_jobs(type="build"))["total"], 1)
        self.assertEqual((await c.get_logs(job["id"], offset=1))["lines"], ["b"])
        self.assertEqual([f["path"] for f in (await c.list_files(job["id"]))["files"]], ["out/a.txt"])
        page = await c.events_after(0, limit=3)
        self.assertEqual([e["type"] for e in page["events"]], ["job.created", "job.status", "job.progress"])

    async def test_concurrent_calls_each_get_a_connection(self) -> None:
        job = await self.client.create_job("build")
        await asyncio.gather(*(self.client.append_log(job["id"], f"line {n}") for n in range(40)))
        self.assertEqual((await self.client.get_job(job["id"]))["log_lines"], 40)

    async def test_errors_are_the_sync_clients_classes(self) -> None:
        job = await self.client.create_job("build")
        await self.client.set_status(job["id"], "cancelled")
        with self.assertRaises(jobwire.InvalidTransition):
            await self.client.set_status(job["id"], "running")
        with self.assertRaises(jobwire.NotFound):
            await self.client.get_job("j_nope")
        with self.assertRaises(jobwire.InvalidArgument):
            await self.client.create_job("build", colour="red")
        with self.assertRaises(jobwire.Conflict):
            await self.client.create_job("build", id=job["id"])
        with self.assertRaises(jobwire.Reset) as caught:
            await self.client.events_after(job["seq"] + 100)
        self.assertEqual(caught.exception.seq, job["seq"] + 1)
        async with jobwire.AsyncClient(self.server.url, "wrong") as stranger:
            with self.assertRaises(jobwire.Unauthorized):
                await stranger.create_job("build")

    async def test_nobody_listening_raises_Unavailable_after_the_retries(self) -> None:
        self.server.kill()
        async with jobwire.AsyncClient(self.server.url, self.server.token, retries=2, backoff=0.01) as client:
            with self.assertRaises(jobwire.Unavailable) as caught:
                await client.get_job("j_1")
        self.assertIsNone(caught.exception.http_status)
        self.assertIsInstance(caught.exception.__cause__, ConnectionRefusedError)

    async def test_a_write_made_while_the_server_is_down_commits_once_when_it_is_back(self) -> None:
        job = await self.client.create_job("build")
        self.server.kill()
        write = asyncio.ensure_future(self.client.append_log(job["id"], ["x", "y"]))
        await asyncio.sleep(0.5)
        await asyncio.get_running_loop().run_in_executor(None, self.server.start)
        self.assertEqual((await write)["total_lines"], 2)
        self.assertEqual(len(await self.log_events(job["id"])), 1)

    async def test_a_pooled_connection_to_a_restarted_server_is_replaced(self) -> None:
        job = await self.client.create_job("build")
        await asyncio.get_running_loop().run_in_executor(None, self.server.restart)
        await self.client.append_log(job["id"], "after")
        self.assertEqual((await self.client.get_logs(job["id"]))["lines"], ["after"])

    async def test_events_wait_resume_across_a_restart_and_cancel_promptly(self) -> None:
        job = await self.client.create_job("build")
        stream = self.client.events(after=0, wait=5)
        self.assertEqual((await stream.__anext__())["seq"], job["seq"])
        self.server.kill()
        following = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.4)
        await asyncio.get_running_loop().run_in_executor(None, self.server.start)
        await self.client.append_log(job["id"], "after the restart")
        self.assertEqual((await asyncio.wait_for(following, 10))["type"], "job.log")
        self.assertEqual(stream.cursor, 2)
        # A long-poll in flight is cancelled at once, not after its wait runs out.
        waiting = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        waiting.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await waiting
        self.assertLess(time.monotonic() - started, 0.5)

    async def test_async_for_reads_the_log_in_order(self) -> None:
        job = await self.client.create_job("build")
        await self.client.append_log(job["id"], "one")
        seen = []
        async for event in self.client.events(after=0):
            seen.append(event["type"])
            if len(seen) == 2:
                break
        self.assertEqual(seen, ["job.created", "job.log"])


if __name__ == "__main__":
    unittest.main()
