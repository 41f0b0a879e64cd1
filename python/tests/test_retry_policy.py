"""The backoff between attempts, and the arguments a client refuses before any request."""
import unittest

from support import PYTHON_DIR  # noqa: F401  (puts the package on sys.path)

import jobwire
from jobwire._retry import RetryPolicy


class RetryPolicyTest(unittest.TestCase):
    def test_each_wait_doubles_within_its_jitter_up_to_the_cap(self) -> None:
        policy = RetryPolicy(retries=10, backoff=0.1, max_backoff=1.0)
        for failures, ceiling in ((1, 0.1), (2, 0.2), (3, 0.4), (4, 0.8), (5, 1.0), (40, 1.0)):
            delays = [policy.delay(failures) for _ in range(200)]
            self.assertGreaterEqual(min(delays), ceiling / 2, failures)
            self.assertLessEqual(max(delays), ceiling, failures)
            self.assertGreater(len(set(delays)), 100)  # jittered, not one fixed wait

    def test_negative_settings_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            jobwire.Client("http://127.0.0.1:7700", retries=-1)

    def test_a_base_url_that_is_not_http_is_refused(self) -> None:
        for url in ("ftp://example.org", "127.0.0.1:7700", "http://"):
            with self.subTest(url=url), self.assertRaises(ValueError):
                jobwire.Client(url)


if __name__ == "__main__":
    unittest.main()
