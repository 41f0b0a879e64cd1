"""Each exception, raised from what a real jobwired answered (or from no answer at all)."""
import socket
import threading
import time
import unittest

from support import client_for, start_jobwired

import jobwire


class ErrorsFromTheServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self, args=["--max-body-bytes", "4096"])
        self.client = client_for(self, self.server)

    def test_a_refused_transition_raises_InvalidTransition_and_writes_nothing(self) -> None:
        job = self.client.create_job("build")
        self.client.set_status(job["id"], "cancelled")
        with self.assertRaises(jobwire.InvalidTransition) as caught:
            self.client.set_status(job["id"], "running")
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("invalid_transition", 409))
        self.assertEqual(self.client.get_job(job["id"])["status"], "cancelled")

    def test_an_unknown_job_raises_NotFound_on_reads_and_writes(self) -> None:
        with self.assertRaises(jobwire.NotFound) as caught:
            self.client.get_job("j_nope")
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("not_found", 404))
        self.assertIn("j_nope", caught.exception.message)
        with self.assertRaises(jobwire.NotFound):
            self.client.set_progress("j_nope", 10)

    def test_an_unknown_field_raises_InvalidArgument_naming_it(self) -> None:
        with self.assertRaises(jobwire.InvalidArgument) as caught:
            self.client.create_job("build", colour="red")
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("invalid_argument", 400))
        self.assertIn("colour", caught.exception.message)
        self.assertEqual(self.client.list_jobs()["total"], 0)

    def test_a_value_out_of_range_raises_InvalidArgument(self) -> None:
        job = self.client.create_job("build")
        with self.assertRaises(jobwire.InvalidArgument):
            self.client.set_progress(job["id"], 150)

    def test_an_existing_id_raises_Conflict(self) -> None:
        self.client.create_job("build", id="nightly")
        with self.assertRaises(jobwire.Conflict) as caught:
            self.client.create_job("build", id="nightly")
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("conflict", 409))

    def test_a_missing_or_wrong_token_raises_Unauthorized(self) -> None:
        for token in ("", "not-the-token"):
            with self.subTest(token=token), jobwire.Client(self.server.url, token) as client:
                with self.assertRaises(jobwire.Unauthorized) as caught:
                    client.create_job("build")
                self.assertEqual((caught.exception.code, caught.exception.http_status), ("unauthorized", 401))

    def test_a_cursor_beyond_the_head_raises_Reset_with_where_the_log_stands(self) -> None:
        created = self.client.create_job("build")
        with self.assertRaises(jobwire.Reset) as caught:
            self.client.events_after(created["seq"] + 1000)
        reset = caught.exception
        self.assertEqual((reset.code, reset.http_status), ("reset", 410))
        self.assertEqual((reset.oldest, reset.seq, reset.epoch), (1, created["seq"], created["epoch"]))

    def test_a_code_without_a_class_raises_JobwireError_with_that_code(self) -> None:
        job = self.client.create_job("build")
        with self.assertRaises(jobwire.JobwireError) as caught:
            self.client.append_log(job["id"], ["x" * 8192])
        self.assertIs(type(caught.exception), jobwire.JobwireError)
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("too_large", 413))

    def test_every_error_is_a_JobwireError(self) -> None:
        for cls in (jobwire.InvalidTransition, jobwire.NotFound, jobwire.InvalidArgument, jobwire.Conflict,
                    jobwire.Reset, jobwire.Unavailable, jobwire.Unauthorized):
            self.assertTrue(issubclass(cls, jobwire.JobwireError), cls)


class UnavailableTest(unittest.TestCase):
    def test_a_full_server_answers_503_which_raises_Unavailable_once_retries_are_spent(self) -> None:
        server = start_jobwired(self, args=["--max-connections", "1"])
        holder = socket.create_connection(("127.0.0.1", server.port))  # takes the only slot
        self.addCleanup(holder.close)
        client = client_for(self, server, retries=2, backoff=0.01)
        with self.assertRaises(jobwire.Unavailable) as caught:
            client.list_jobs()
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("unavailable", 503))

    def test_a_full_server_is_retried_until_a_slot_frees(self) -> None:
        server = start_jobwired(self, args=["--max-connections", "1"])
        holder = socket.create_connection(("127.0.0.1", server.port))
        client = client_for(self, server, retries=8, backoff=0.05, max_backoff=0.2)
        started = time.monotonic()
        threading.Timer(0.3, holder.close).start()
        self.assertEqual(client.create_job("build")["status"], "pending")
        self.assertGreater(time.monotonic() - started, 0.25)
        self.assertEqual(client.list_jobs()["total"], 1)

    def test_nobody_listening_raises_Unavailable_without_a_status_after_the_retries(self) -> None:
        with socket.socket() as probe:  # a port that was free a moment ago
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with jobwire.Client(f"http://127.0.0.1:{port}", "t", retries=3, backoff=0.01) as client:
            with self.assertRaises(jobwire.Unavailable) as caught:
                client.create_job("build")
        self.assertIsNone(caught.exception.http_status)
        self.assertIn("after 4 attempt(s)", caught.exception.message)
        self.assertIsInstance(caught.exception.__cause__, ConnectionRefusedError)

    def test_a_server_that_never_answers_times_out_into_Unavailable(self) -> None:
        silent = socket.socket()
        self.addCleanup(silent.close)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections (in the kernel) and never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with jobwire.Client(url, "t", timeout=0.2, retries=1, backoff=0.01) as client:
            with self.assertRaises(jobwire.Unavailable) as caught:
                client.get_job("j_1")
        self.assertIsInstance(caught.exception.__cause__, (TimeoutError, socket.timeout))  # one class from 3.10
        self.assertLess(time.monotonic() - started, 2)


if __name__ == "__main__":
    unittest.main()
