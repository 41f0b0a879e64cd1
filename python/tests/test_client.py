"""Client: every call against a real jobwired, checked by what the server then shows."""
import unittest

from support import client_for, start_jobwired

import jobwire


class ClientCallsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)
        self.client = client_for(self, self.server)

    def test_create_job_returns_the_pending_job_with_the_fields_given(self) -> None:
        job = self.client.create_job("build", project="web", priority=3, summary={"target": "x86"})
        self.assertTrue(job["id"].startswith("j_"))
        self.assertEqual((job["type"], job["project"], job["priority"], job["status"]), ("build", "web", 3, "pending"))
        self.assertEqual(job["summary"], {"target": "x86"})
        self.assertEqual(self.client.get_job(job["id"])["summary"], {"target": "x86"})

    def test_create_job_takes_a_caller_made_id_and_a_parent(self) -> None:
        parent = self.client.create_job("turn", id="turn-1")
        child = self.client.create_job("step", parent=parent["id"])
        self.assertEqual(parent["id"], "turn-1")
        self.assertEqual(child["parent"], "turn-1")
        self.assertEqual([job["id"] for job in self.client.list_jobs(parent="turn-1")["jobs"]], [child["id"]])

    def test_set_status_moves_the_job_and_completing_sets_progress_to_100(self) -> None:
        job = self.client.create_job("build")
        running = self.client.set_status(job["id"], "running")
        self.assertEqual(running["status"], "running")
        self.assertIsNotNone(running["started_at"])
        done = self.client.set_status(job["id"], "completed")
        self.assertEqual((done["status"], done["progress_percent"]), ("completed", 100))

    def test_set_status_failed_keeps_the_error_message(self) -> None:
        job = self.client.create_job("build")
        failed = self.client.set_status(job["id"], "failed", error_message="disk full")
        self.assertEqual((failed["status"], failed["error_message"]), ("failed", "disk full"))

    def test_set_progress_is_seen_by_get_job(self) -> None:
        job = self.client.create_job("build")
        self.client.set_status(job["id"], "running")
        self.assertEqual(self.client.set_progress(job["id"], 42.5)["progress_percent"], 42.5)
        self.assertEqual(self.client.get_job(job["id"])["progress_percent"], 42.5)

    def test_append_log_takes_one_line_or_several_and_get_logs_pages_them(self) -> None:
        job = self.client.create_job("build")
        first = self.client.append_log(job["id"], "compiling")
        second = self.client.append_log(job["id"], ["linking", "done"])
        self.assertEqual((first["offset"], first["total_lines"]), (0, 1))
        self.assertEqual((second["offset"], second["total_lines"]), (1, 3))
        page = self.client.get_logs(job["id"], offset=1, limit=1)
        self.assertEqual((page["lines"], page["total_lines"], page["has_more"]), (["linking"], 3, True))
        self.assertEqual(self.client.get_logs(job["id"])["lines"], ["compiling", "linking", "done"])

    def test_register_file_is_listed_with_its_change(self) -> None:
        job = self.client.create_job("build")
        entry = self.client.register_file(job["id"], "out/report.html")
        self.client.register_file(job["id"], "out/report.html", "modified")
        self.assertEqual((entry["path"], entry["change"]), ("out/report.html", "created"))
        files = self.client.list_files(job["id"])["files"]
        self.assertEqual([f["path"] for f in files], ["out/report.html"])

    def test_update_job_patches_the_fields_given(self) -> None:
        job = self.client.create_job("build")
        updated = self.client.update_job(job["id"], summary={"ok": 3}, output_path="out/")
        self.assertEqual((updated["summary"], updated["output_path"]), ({"ok": 3}, "out/"))
        self.assertEqual(self.client.get_job(job["id"])["output_path"], "out/")

    def test_emit_stores_a_custom_event_in_the_log(self) -> None:
        job = self.client.create_job("turn")
        event = self.client.emit("x.intervention_request", job=job["id"], data={"reason": "needs approval"})
        self.assertEqual((event["type"], event["job"], event["data"]), ("x.intervention_request", job["id"],
                                                                        {"reason": "needs approval"}))
        self.assertEqual(self.client.events_after(event["seq"] - 1)["events"], [event])

    def test_events_after_pages_the_log_with_filters(self) -> None:
        job = self.client.create_job("build")
        self.client.create_job("build")  # another job, whose events the job filter skips
        self.client.append_log(job["id"], "one")
        page = self.client.events_after(0, limit=2)
        self.assertEqual(([e["seq"] for e in page["events"]], page["next"]), ([1, 2], 2))
        mine = self.client.events_after(0, job=job["id"], types=["job.log"])
        self.assertEqual([(e["type"], e["job"]) for e in mine["events"]], [("job.log", job["id"])])
        self.assertEqual(mine["next"], 3)  # the cursor moved past what the filter skipped

    def test_list_jobs_filters_pages_and_counts(self) -> None:
        for job_type in ("build", "build", "test"):
            self.client.create_job(job_type)
        builds = self.client.list_jobs(type="build", limit=1)
        self.assertEqual((builds["total"], len(builds["jobs"]), builds["jobs"][0]["type"]), (2, 1, "build"))
        self.assertEqual(self.client.list_jobs(status="pending", offset=2)["total"], 3)
        self.assertEqual(self.client.list_jobs(project="elsewhere")["jobs"], [])

    def test_one_client_serves_many_threads(self) -> None:
        from concurrent.futures import ThreadPoolExecutor
        job = self.client.create_job("build")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: self.client.append_log(job["id"], f"line {n}"), range(64)))
        self.assertEqual(self.client.get_job(job["id"])["log_lines"], 64)

    def test_token_defaults_to_the_environment(self) -> None:
        import os
        from unittest import mock
        with mock.patch.dict(os.environ, {"JOBWIRE_TOKEN": self.server.token}):
            with jobwire.Client(self.server.url) as client:
                self.assertEqual(client.create_job("build")["status"], "pending")


if __name__ == "__main__":
    unittest.main()
