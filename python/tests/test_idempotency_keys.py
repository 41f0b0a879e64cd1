"""What the client sends: an Idempotency-Key on every write, made once per call and the same
on each of its retries. Checked on a recording stand-in for jobwired, because jobwired
itself does not show the headers it got; the server's side is test_idempotency_server.py."""
import http.server
import json
import threading
import unittest
from typing import List, Optional, Tuple

import support  # noqa: F401  (puts the package on sys.path)

import jobwire


class RecordingServer(http.server.ThreadingHTTPServer):
    """Answers 503 ``unavailable`` to the first ``failures`` requests, then 200 ``{}``;
    records (method, path, Idempotency-Key) of each."""

    def __init__(self, failures: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.failures = failures
        self.seen: List[Tuple[str, str, Optional[str]]] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: RecordingServer

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append((self.command, self.path, self.headers.get("Idempotency-Key")))
        failing = len(self.server.seen) <= self.server.failures
        body = json.dumps({"error": {"code": "unavailable", "message": "busy"}} if failing else {}).encode()
        self.send_response(503 if failing else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, *args: object) -> None:
        pass


class IdempotencyKeyTest(unittest.TestCase):
    def serve(self, failures: int = 0) -> RecordingServer:
        server = RecordingServer(failures)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server

    def client(self, server: RecordingServer) -> jobwire.Client:
        client = jobwire.Client(f"http://127.0.0.1:{server.server_address[1]}", "t", retries=3, backoff=0.01)
        self.addCleanup(client.close)
        return client

    def test_every_retry_of_a_write_sends_the_key_of_its_first_attempt(self) -> None:
        server = self.serve(failures=2)
        self.client(server).append_log("j_1", "line")
        keys = [key for _, _, key in server.seen]
        self.assertEqual(len(keys), 3)
        self.assertIsNotNone(keys[0])
        self.assertEqual(set(keys), {keys[0]})

    def test_each_call_makes_its_own_key_and_every_write_route_sends_one(self) -> None:
        server = self.serve()
        client = self.client(server)
        client.create_job("build")
        client.set_status("j_1", "running")
        client.set_progress("j_1", 5)
        client.append_log("j_1", "x")
        client.register_file("j_1", "a.txt")
        client.update_job("j_1", summary={})
        client.emit("x.ping")
        keys = [key for _, _, key in server.seen]
        self.assertEqual(len(set(keys)), 7)
        self.assertNotIn(None, keys)

    def test_reads_send_no_key(self) -> None:
        server = self.serve()
        self.client(server).get_job("j_1")
        self.assertEqual(server.seen, [("GET", "/api/jobs/j_1", None)])

    def test_a_callers_key_is_sent_as_given(self) -> None:
        server = self.serve(failures=1)
        self.client(server).set_status("j_1", "running", idempotency_key="order-42:start")
        self.assertEqual([key for _, _, key in server.seen], ["order-42:start", "order-42:start"])

    def test_the_async_client_keeps_its_key_across_retries_too(self) -> None:
        import asyncio
        server = self.serve(failures=2)

        async def call() -> None:
            async with jobwire.AsyncClient(f"http://127.0.0.1:{server.server_address[1]}", "t",
                                           retries=3, backoff=0.01) as client:
                await client.emit("x.ping")

        asyncio.run(call())
        keys = [key for _, _, key in server.seen]
        self.assertEqual((len(keys), len(set(keys))), (3, 1))


if __name__ == "__main__":
    unittest.main()
