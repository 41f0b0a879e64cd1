"""Retries across a server restart: the call succeeds, and what it wrote is there once."""
import time
import unittest

from support import client_for, run_in_thread, start_jobwired


class RestartTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)
        self.client = client_for(self, self.server, retries=12, backoff=0.05, max_backoff=0.5)
        self.job = self.client.create_job("build")

    def log_events(self) -> list:
        return self.client.events_after(0, job=self.job["id"], types=["job.log"])["events"]

    def test_a_write_made_while_the_server_is_down_commits_once_when_it_is_back(self) -> None:
        self.server.kill()
        result = run_in_thread(self.client.append_log, self.job["id"], ["compiling", "linking"])
        time.sleep(0.5)  # the call is now retrying against a closed port
        self.server.start()
        self.assertEqual(result()["total_lines"], 2)
        self.assertEqual(self.client.get_logs(self.job["id"])["lines"], ["compiling", "linking"])
        self.assertEqual(len(self.log_events()), 1)

    def test_a_kept_alive_connection_to_a_restarted_server_is_replaced_without_a_duplicate(self) -> None:
        self.client.append_log(self.job["id"], "before")
        self.server.restart()  # the client's pooled socket now leads nowhere
        self.client.append_log(self.job["id"], "after")
        self.assertEqual(self.client.get_logs(self.job["id"])["lines"], ["before", "after"])
        self.assertEqual(len(self.log_events()), 2)

    def test_every_call_kind_succeeds_across_a_kill_and_restart(self) -> None:
        self.server.kill()
        calls = run_in_thread(lambda: [
            self.client.set_status(self.job["id"], "running")["status"],
            self.client.set_progress(self.job["id"], 50)["progress_percent"],
            self.client.get_job(self.job["id"])["status"],
        ])
        time.sleep(0.3)
        self.server.start()
        self.assertEqual(calls(), ["running", 50, "running"])
        statuses = self.client.events_after(0, job=self.job["id"], types=["job.status"])["events"]
        self.assertEqual([e["data"]["status"] for e in statuses], ["running"])


if __name__ == "__main__":
    unittest.main()
