"""A small in-process limiter of failed sign-ins per key (per worker: enough to blunt guessing)."""

import threading
import time
from collections import defaultdict, deque

from governance_api.core.errors import RateLimited


class FailureLimiter:
    def __init__(self, max_failures: int, window_seconds: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def _sweep(self, now: float) -> None:
        """Forget keys whose failures have all aged out, so the table cannot grow without bound."""
        for key in [k for k, stamps in self._failures.items() if not stamps or now - stamps[-1] > self.window]:
            del self._failures[key]

    def check(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            stamps = self._recent(key, now)
            if len(stamps) >= self.max_failures:
                raise RateLimited(retry_after=max(1, int(self.window - (now - stamps[0])) + 1))

    def fail(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:
                self._sweep(now)
            self._failures[key].append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
