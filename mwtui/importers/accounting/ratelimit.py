"""Rate limiters, one per integration.

- :class:`SharedWindowLimiter` (lexware Office): at most ``max_calls`` request starts within
  any ``period`` seconds, shared by every mwtui process on the machine through a small state
  file guarded by ``fcntl.flock``. A caller that may not start yet sleeps outside the lock
  and tries again.
- :class:`HeaderLimiter` (bexio): reads ``RateLimit-Remaining``/``RateLimit-Reset`` (and
  ``x-ratelimit-remaining-minute``) and pauses when the budget of a window is nearly used.
- :class:`IntervalLimiter` (sevDesk): a polite minimum gap between requests in one process.

Clocks and sleep functions are injectable so that tests never really sleep.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import platformdirs

Clock = Callable[[], float]
Sleep = Callable[[float], None]

RATE_DIR_ENV = "MWTUI_RATE_DIR"


class Limiter(Protocol):
    def acquire(self, key: str = "") -> None:
        """Block until a request of class ``key`` may start."""
        ...

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        """Learn from a response's headers."""
        ...

    def penalize(self, key: str, seconds: float) -> None:
        """The server said "too many": nobody starts a request for ``seconds``."""
        ...

    def slow_down(self, key: str = "") -> None:
        """The server answered 429: keep a slower pace for the rest of the run."""
        ...


class NullLimiter:
    def acquire(self, key: str = "") -> None:
        return None

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        return None

    def penalize(self, key: str, seconds: float) -> None:
        return None

    def slow_down(self, key: str = "") -> None:
        return None


class IntervalLimiter:
    """At least ``interval`` seconds between request starts within this process."""

    def __init__(self, interval: float, *, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, key: str = "") -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        return None

    def penalize(self, key: str, seconds: float) -> None:
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)

    def slow_down(self, key: str = "") -> None:
        """Half again the gap (at least 0.1 s, at most 5 s)."""
        with self._lock:
            self.interval = min(5.0, max(0.1, self.interval * 1.5))


def default_rate_dir() -> Path:
    if env := os.environ.get(RATE_DIR_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("mwtui")) / "ratelimit"


class SharedWindowLimiter:
    """At most ``max_calls`` starts in any ``period`` s, across processes (state file + flock).

    A start is granted and recorded while the lock is held, so the recorded starts are the
    real ones. A plain token bucket with a burst of 2 would let 3 requests start within one
    second; this sliding window does not. ``margin`` keeps a little distance from the exact limit
    because the server sees network jitter (lexware warns that exactly 2/s still gets 429s).
    The default clock is ``time.monotonic``, which on Linux and macOS is system-wide, so all
    processes agree on it; a state from before a reboot is detected and discarded.
    """

    def __init__(self, name: str, *, max_calls: int = 2, period: float = 1.0,
                 margin: float = 0.05, state_dir: Path | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self.max_calls, self.period, self.margin = max_calls, period, margin
        directory = state_dir or default_rate_dir()
        self.path = directory / f"{name}.json"
        self._lock_path = directory / f"{name}.lock"
        self._clock, self._sleep = clock, sleep
        self._thread_lock = threading.Lock()

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def _read(self, now: float) -> tuple[list[float], float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            starts = [float(x) for x in data.get("starts", [])][-self.max_calls:]
            blocked = float(data.get("blocked_until", 0.0))
        except (OSError, ValueError, TypeError, AttributeError):
            return [], 0.0
        horizon = now + self.period * (self.max_calls + 1) + 3600
        if any(s > horizon for s in starts) or blocked > horizon:
            return [], 0.0  # a state from another boot (clock reset): start fresh
        return starts, blocked

    def _write(self, starts: list[float], blocked: float) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"starts": starts[-self.max_calls:],
                                   "blocked_until": blocked}), encoding="utf-8")
        os.replace(tmp, self.path)

    def acquire(self, key: str = "") -> None:
        while True:
            with self._locked():
                now = self._clock()
                starts, blocked = self._read(now)
                earliest = blocked
                if len(starts) >= self.max_calls:
                    earliest = max(earliest, starts[-self.max_calls] + self.period + self.margin)
                if now >= earliest:
                    starts.append(now)
                    self._write(starts, blocked)
                    return
            # sleep outside the lock, then compete again (the start is recorded under lock)
            self._sleep(min(earliest - now, self.period + self.margin) + 0.001)

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        return None

    def penalize(self, key: str, seconds: float) -> None:
        with self._locked():
            now = self._clock()
            starts, blocked = self._read(now)
            self._write(starts, max(blocked, now + seconds))

    def slow_down(self, key: str = "") -> None:
        """A 429 despite the window: widen the margin by a quarter period (up to a period)."""
        with self._thread_lock:
            self.margin = min(self.period, self.margin + self.period / 4)


def _header_int(headers: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        try:
            return int(str(value).strip())
        except ValueError:
            continue
    return None


class HeaderLimiter:
    """Paces by the server's ``RateLimit-*`` headers, per endpoint class ``key``.

    bexio counts per minute and per endpoint class (1000 for ordinary GETs, 250 for
    searches and PDFs): when the remaining budget of a class drops to ``reserve`` we wait
    ``RateLimit-Reset`` seconds before the next request of that class.
    """

    def __init__(self, *, reserve: int = 2, min_interval: float = 0.0,
                 clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self.reserve = reserve
        self._clock, self._sleep = clock, sleep
        self._blocked: dict[str, float] = {}
        self._interval = IntervalLimiter(min_interval, clock=clock, sleep=sleep)
        self._lock = threading.Lock()

    def acquire(self, key: str = "") -> None:
        with self._lock:
            until = self._blocked.get(key, 0.0)
        now = self._clock()
        if until > now:
            self._sleep(until - now)
        self._interval.acquire(key)

    def observe(self, key: str, headers: Mapping[str, str]) -> None:
        remaining = _header_int(headers, "ratelimit-remaining", "x-ratelimit-remaining-minute")
        reset = _header_int(headers, "ratelimit-reset")
        if remaining is None:
            return
        if remaining <= self.reserve:
            wait = float(reset if reset is not None and 0 <= reset <= 120 else 60)
            self.penalize(key, wait)

    def penalize(self, key: str, seconds: float) -> None:
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            self._blocked[key] = max(self._blocked.get(key, 0.0), until)

    def slow_down(self, key: str = "") -> None:
        self._interval.slow_down(key)
