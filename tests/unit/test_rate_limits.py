"""Rate limiters: lexware's 2 requests/second, within one process and across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
from support.clients import FakeClock, Server, client_kwargs, json_response, setup_env

from mwtui.importers.accounting.clients import make_client
from mwtui.importers.accounting.ratelimit import HeaderLimiter, IntervalLimiter, SharedWindowLimiter


def assert_at_most_two_per_second(starts: list[float]) -> None:
    starts = sorted(starts)
    for i in range(len(starts) - 2):
        assert starts[i + 2] - starts[i] >= 1.0, (i, starts[i:i + 3])


def test_window_limiter_fake_clock_20_requests(tmp_path):
    clock = FakeClock()
    limiter = SharedWindowLimiter("t", state_dir=tmp_path, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(20):
        limiter.acquire()
        starts.append(clock.now)
    assert_at_most_two_per_second(starts)
    assert starts[-1] - starts[0] < 10.5  # and it does not dawdle: ~2 per second
    assert starts[0] == starts[1] == 1000.0  # a burst of two is allowed


def test_lexware_client_20_requests_never_more_than_two_per_second(monkeypatch):
    config = setup_env(monkeypatch, "lexware")
    clock = FakeClock()
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(clock.now)
        if len(starts) == 7:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return json_response({"companyName": "X"})

    server = Server()
    server.add("/v1/profile", handler)
    client = make_client("lexware", config, server.transport(), **client_kwargs(clock))
    for _ in range(20):
        client.account_info()
    assert len(starts) == 21  # one 429 retried
    assert_at_most_two_per_second(starts)


def test_penalty_pauses_everyone(tmp_path):
    clock = FakeClock()
    one = SharedWindowLimiter("p", state_dir=tmp_path, clock=clock, sleep=clock.sleep)
    two = SharedWindowLimiter("p", state_dir=tmp_path, clock=clock, sleep=clock.sleep)
    one.penalize("", 5.0)
    two.acquire()
    assert clock.now >= 1005.0


def test_stale_state_from_another_boot_is_ignored(tmp_path):
    (tmp_path / "s.json").write_text('{"starts": [9e12, 9e12], "blocked_until": 9e12}')
    clock = FakeClock()
    SharedWindowLimiter("s", state_dir=tmp_path, clock=clock, sleep=clock.sleep).acquire()
    assert clock.sleeps == []
    (tmp_path / "s.json").write_text("garbage")
    SharedWindowLimiter("s", state_dir=tmp_path, clock=clock, sleep=clock.sleep).acquire()
    assert clock.sleeps == []


_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from mwtui.importers.accounting.ratelimit import SharedWindowLimiter
    limiter = SharedWindowLimiter("lexware", state_dir=Path(sys.argv[1]))
    Path(sys.argv[2]).touch()
    while not Path(sys.argv[3]).exists():
        time.sleep(0.005)
    for _ in range(int(sys.argv[4])):
        limiter.acquire()
        print(time.monotonic(), flush=True)
""")


def test_two_processes_share_the_budget(tmp_path: Path):
    go = tmp_path / "go"
    procs = []
    for n in range(2):
        ready = tmp_path / f"ready{n}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path / "rate"), str(ready), str(go), "4"],
            stdout=subprocess.PIPE, text=True, env={**os.environ})))
    for ready, proc in procs:
        while not ready.exists():
            assert proc.poll() is None, "worker died"
    go.touch()
    starts: list[float] = []
    for _ready, proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        starts += [float(line) for line in out.split()]
    assert len(starts) == 8
    assert_at_most_two_per_second(starts)


def test_header_limiter_waits_for_reset():
    clock = FakeClock()
    limiter = HeaderLimiter(reserve=2, clock=clock, sleep=clock.sleep)
    limiter.acquire("search")
    limiter.observe("search", {"ratelimit-remaining": "2", "ratelimit-reset": "17"})
    limiter.acquire("")  # another endpoint class is not held up
    assert clock.sleeps == []
    limiter.acquire("search")
    assert clock.sleeps == [17.0]
    limiter.observe("", {"x-ratelimit-remaining-minute": "900", "ratelimit-reset": "5"})
    limiter.observe("", {"ratelimit-remaining": "not a number"})
    limiter.acquire("")
    assert clock.sleeps == [17.0]


def test_interval_limiter_is_polite():
    clock = FakeClock()
    limiter = IntervalLimiter(0.2, clock=clock, sleep=clock.sleep)
    for _ in range(6):
        limiter.acquire()
    assert clock.now - 1000.0 >= 1.0 - 1e-9
