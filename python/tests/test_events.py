"""Client.events(): the log in order, by long-poll, resuming across restarts, Reset when the
cursor means nothing any more."""
import time
import unittest
from itertools import islice

from support import Jobwired, client_for, run_in_thread, start_jobwired, temp_db_path

import jobwire


class EventsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)
        self.client = client_for(self, self.server, retries=12, backoff=0.05, max_backoff=0.5)

    def test_yields_every_event_in_seq_order_across_pages(self) -> None:
        job = self.client.create_job("build")
        self.client.set_status(job["id"], "running")
        self.client.append_log(job["id"], ["a", "b"])
        stream = self.client.events(after=0, limit=2)
        events = list(islice(stream, 3))
        self.assertEqual([(e["seq"], e["type"]) for e in events],
                         [(1, "job.created"), (2, "job.status"), (3, "job.log")])
        self.assertEqual(stream.cursor, 3)
        self.assertEqual(stream.epoch, job["epoch"])

    def test_waits_for_the_next_write_and_delivers_it_at_once(self) -> None:
        job = self.client.create_job("build")
        stream = self.client.events(after=job["seq"], wait=10)
        arrived = run_in_thread(next, stream)
        time.sleep(0.3)
        written = time.monotonic()
        self.client.emit("x.heartbeat", job=job["id"])
        self.assertEqual(arrived()["type"], "x.heartbeat")
        self.assertLess(time.monotonic() - written, 1.0)

    def test_a_filtered_stream_moves_its_cursor_past_what_it_skipped(self) -> None:
        mine = self.client.create_job("build")
        self.client.create_job("other")
        self.client.append_log(mine["id"], "x")
        stream = self.client.events(after=0, job=mine["id"])
        self.assertEqual([e["type"] for e in islice(stream, 2)], ["job.created", "job.log"])
        self.assertEqual(stream.cursor, 3)

    def test_resumes_from_its_cursor_across_a_server_restart(self) -> None:
        job = self.client.create_job("build")
        stream = self.client.events(after=0, wait=5)
        self.assertEqual(next(stream)["seq"], job["seq"])
        self.server.kill()
        following = run_in_thread(lambda: list(islice(stream, 2)))
        time.sleep(0.4)  # the stream is reconnecting
        self.server.start()
        self.client.append_log(job["id"], "after the restart")
        self.client.set_status(job["id"], "running")
        self.assertEqual([e["type"] for e in following()], ["job.log", "job.status"])
        self.assertEqual(stream.cursor, 3)

    def test_raises_Reset_when_the_store_behind_the_url_was_replaced(self) -> None:
        for _ in range(3):
            self.client.create_job("build")
        stream = self.client.events(after=0)
        next(stream)
        # Another store with a longer log, served on the same port: the cursor still "fits"
        # there, and only the epoch tells that it means nothing.
        other_db = temp_db_path(self)
        filler = Jobwired(other_db, token=self.server.token)
        self.addCleanup(filler.stop)
        with jobwire.Client(filler.start().url, filler.token) as client:
            for _ in range(10):
                client.create_job("elsewhere")
        filler.stop()
        self.server.kill()
        replacement = Jobwired(other_db, port=self.server.port, token=self.server.token)
        self.addCleanup(replacement.stop)
        replacement.start()
        with self.assertRaises(jobwire.Reset) as caught:
            list(islice(stream, 5))
        self.assertIsNone(caught.exception.http_status)
        self.assertEqual(caught.exception.seq, 10)
        self.assertNotEqual(caught.exception.epoch, stream.epoch)

    def test_an_epoch_from_another_store_raises_Reset_at_once(self) -> None:
        self.client.create_job("build")
        with self.assertRaises(jobwire.Reset):
            next(self.client.events(after=0, epoch="0000000000000000"))

    def test_a_wait_below_one_second_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            self.client.events(wait=0)


if __name__ == "__main__":
    unittest.main()
