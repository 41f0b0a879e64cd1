"""The server's side of Idempotency-Key, as a Python producer sees it: the same key and body
again answers what the first did and commits nothing new; the same key with another body is
Conflict; a key over 200 bytes is InvalidArgument; and a write whose answer was lost, retried
by the client, commits once.

Each test first probes the server: a jobwired that ignores the header (built before that
work landed) commits a repeated call twice, and then the test is skipped with a message.
"""
import socket
import threading
import unittest
import uuid

from support import client_for, start_jobwired

import jobwire

SKIP_MESSAGE = ("this jobwired ignores Idempotency-Key (one key, two commits): "
                "its server side is not in this build yet")


class IdempotencyServerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = start_jobwired(self)
        self.client = client_for(self, self.server, retries=8, backoff=0.05, max_backoff=0.5)
        key = f"probe-{uuid.uuid4()}"
        first = self.client.create_job("probe", idempotency_key=key)
        if self.client.create_job("probe", idempotency_key=key)["id"] != first["id"]:
            self.skipTest(SKIP_MESSAGE)
        self.job = self.client.create_job("build")

    def log_events(self) -> list:
        return self.client.events_after(0, job=self.job["id"], types=["job.log"])["events"]

    def test_the_same_call_with_one_key_commits_once_and_answers_the_same(self) -> None:
        first = self.client.append_log(self.job["id"], ["a", "b"], idempotency_key="log-1")
        again = self.client.append_log(self.job["id"], ["a", "b"], idempotency_key="log-1")
        self.assertEqual(again, first)
        self.assertEqual(self.client.get_job(self.job["id"])["log_lines"], 2)
        self.assertEqual(len(self.log_events()), 1)

    def test_a_created_job_is_created_once_per_key(self) -> None:
        first = self.client.create_job("deploy", idempotency_key="deploy-7")
        again = self.client.create_job("deploy", idempotency_key="deploy-7")
        self.assertEqual(again, first)
        self.assertEqual(self.client.list_jobs(type="deploy")["total"], 1)

    def test_the_same_key_with_another_body_raises_Conflict_and_writes_nothing(self) -> None:
        self.client.append_log(self.job["id"], "a", idempotency_key="log-2")
        with self.assertRaises(jobwire.Conflict) as caught:
            self.client.append_log(self.job["id"], "b", idempotency_key="log-2")
        self.assertEqual((caught.exception.code, caught.exception.http_status), ("conflict", 409))
        self.assertEqual(self.client.get_logs(self.job["id"])["lines"], ["a"])

    def test_a_key_over_200_bytes_raises_InvalidArgument(self) -> None:
        self.client.append_log(self.job["id"], "fits", idempotency_key="k" * 200)
        with self.assertRaises(jobwire.InvalidArgument):
            self.client.append_log(self.job["id"], "too long", idempotency_key="k" * 201)
        self.assertEqual(self.client.get_logs(self.job["id"])["lines"], ["fits"])

    def test_a_write_whose_answer_was_lost_is_retried_and_commits_once(self) -> None:
        proxy = AnswerDroppingProxy(self.server.port, answers_to_drop=1)
        self.addCleanup(proxy.close)
        with jobwire.Client(proxy.url, self.server.token, retries=5, backoff=0.05) as client:
            answer = client.append_log(self.job["id"], ["built"])
        self.assertEqual(proxy.dropped, 1)  # the first attempt committed; its answer never came
        self.assertEqual(answer["total_lines"], 1)
        self.assertEqual(len(self.log_events()), 1)


class AnswerDroppingProxy:
    """Forwards TCP connections to jobwired, but swallows the first ``answers_to_drop``
    answers and closes the client's connection instead: a server (or network) that failed
    after the write committed and before its answer arrived."""

    def __init__(self, upstream_port: int, answers_to_drop: int) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._to_drop = answers_to_drop
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._sockets = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        for sock in self._sockets:
            _shut(sock)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self._upstream)
            self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, is_answer: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if is_answer and self.dropped < self._to_drop:
                    self.dropped += 1
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # shutdown() first: it wakes a thread blocked in recv() on it, which close() alone does not.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


if __name__ == "__main__":
    unittest.main()
