"""What every test here shares: the package from this checkout on sys.path, and a real
jobwired started on loopback (an ephemeral port, a random token, a fresh SQLite file in a
temp dir), always stopped, with timeouts, whatever the test did.

The binary is $JOBWIRED_BIN, else <repo>/build/jobwired.
"""
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import List, Optional

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))

import jobwire  # noqa: E402  (needs the path above)

START_TIMEOUT_S = 15
STOP_TIMEOUT_S = 10
LISTENING = re.compile(r"jobwired listening on (http://\S+:(\d+))")


def jobwired_bin() -> str:
    return os.environ.get("JOBWIRED_BIN") or str(REPO_ROOT / "build" / "jobwired")


class Jobwired:
    """One jobwired process; ``restart()`` brings it back on the same port, db and token."""

    def __init__(self, db_path: str, *, port: int = 0, token: Optional[str] = None,
                 args: Optional[List[str]] = None) -> None:
        self.db_path = db_path
        self.port = port
        self.token = token or secrets.token_hex(16)
        self.args = args or []
        self.url = ""
        self._proc: Optional[subprocess.Popen] = None
        self._reader: Optional[threading.Thread] = None
        self._output: List[str] = []

    def start(self) -> "Jobwired":
        command = [jobwired_bin(), "--port", str(self.port), "--token", self.token, "--db", self.db_path,
                   "--no-dashboard", *self.args]
        self._proc = _spawn(command)
        self._output = []
        listening = threading.Event()
        self._reader = threading.Thread(target=self._read_output, args=(self._proc, listening), daemon=True)
        self._reader.start()
        if not listening.wait(START_TIMEOUT_S):
            self.kill()
            raise RuntimeError(f"jobwired did not start: {command}\n--- output ---\n{self.output()}")
        return self

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_S."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        self._end(signal.SIGKILL)

    def restart(self) -> "Jobwired":
        self.stop()
        return self.start()

    def output(self) -> str:
        return "".join(self._output)

    def _end(self, how: int) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(how)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT_S)
        if self._reader is not None:
            self._reader.join(STOP_TIMEOUT_S)
        proc.stdout.close()

    def _read_output(self, proc: subprocess.Popen, listening: threading.Event) -> None:
        # Read to the end, so a chatty server never blocks on a full pipe.
        for line in proc.stdout:
            self._output.append(line)
            match = LISTENING.search(line)
            if match and not listening.is_set():
                self.url, self.port = match.group(1), int(match.group(2))
                listening.set()


def _spawn(command: List[str]) -> subprocess.Popen:
    # The binary may be mid-relink for a moment (another checkout building it): retry briefly.
    deadline = time.monotonic() + 5
    while True:
        try:
            return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_jobwired(test: unittest.TestCase, *, args: Optional[List[str]] = None) -> Jobwired:
    """A started jobwired on a fresh db, stopped and its temp dir removed when ``test`` ends."""
    server = Jobwired(temp_db_path(test), args=args)
    test.addCleanup(server.stop)
    return server.start()


def temp_db_path(test: unittest.TestCase) -> str:
    folder = tempfile.mkdtemp(prefix="jobwire-py-test-")
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    return os.path.join(folder, "jobwire.db")


def client_for(test: unittest.TestCase, server: Jobwired, **options: object) -> jobwire.Client:
    client = jobwire.Client(server.url, server.token, **options)  # type: ignore[arg-type]
    test.addCleanup(client.close)
    return client


def run_in_thread(target, *args):  # type: ignore[no-untyped-def]
    """Starts ``target(*args)`` on a thread; ``result()`` joins it and returns or raises."""
    outcome: dict = {}

    def body() -> None:
        try:
            outcome["value"] = target(*args)
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=body, daemon=True)
    thread.start()

    def result(timeout: float = 30):  # type: ignore[no-untyped-def]
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError(f"{target} did not return within {timeout} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    return result
