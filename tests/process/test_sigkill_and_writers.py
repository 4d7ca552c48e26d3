"""Process-level safety: SIGKILL mid-write and several writers at once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from mwtui.workspace.store import Workspace

BATCH_SIZE = 40

WRITER = textwrap.dedent(
    """
    import sys
    from mwtui.workspace.store import Workspace
    ws = Workspace.open(sys.argv[1])
    start = int(sys.argv[2])
    size = int(sys.argv[3])
    i = start
    while True:
        with ws.transaction() as tx:
            tx.insert_many("services", [{"batch": i, "n": n, "pad": "x" * 200}
                                        for n in range(size)])
        print(i, flush=True)
        i += 1
    """
)


def _batches(path: Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    for _, doc in Workspace(path).snapshot().items("services"):
        counts[doc["batch"]] = counts.get(doc["batch"], 0) + 1
    return counts


def test_sigkill_at_random_moments_never_loses_or_corrupts_committed_batches(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ws.json"
    Workspace.open(path)
    rng = random.Random(1234)
    next_batch = 0
    for _round in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(next_batch), str(BATCH_SIZE)],
            stdout=subprocess.PIPE, text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # at least one commit per round
        assert first.strip(), "writer failed to start"
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        printed = [int(x) for x in (first + rest).split()]
        last_printed = printed[-1]
        counts = _batches(path)  # opens the file: must be valid JSON every time
        committed = sorted(counts)
        # Everything printed is there; at most one more batch committed before the kill.
        assert committed[: last_printed + 1] == list(range(last_printed + 1))
        assert committed[-1] in (last_printed, last_printed + 1)
        assert all(n == BATCH_SIZE for n in counts.values()), "a batch was half-written"
        next_batch = committed[-1] + 1
    assert next_batch >= 50


UPSERTER = textwrap.dedent(
    """
    import sys
    from mwtui.workspace.store import Workspace
    ws = Workspace(sys.argv[1])
    proc = sys.argv[2]
    for step in range(200):
        key = f"k{(step * 7) % 50}"
        with ws.transaction() as tx:
            found = tx.find("customers", lambda d: d.get("key") == key)
            if found:
                doc_id, doc = found[0]
                tx.update("customers", doc_id, {"hits": doc["hits"] + [f"{proc}:{step}"]})
            else:
                tx.insert("customers", {"key": key, "hits": [f"{proc}:{step}"]})
    """
)


def test_four_processes_upserting_overlapping_keys_lose_and_duplicate_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ws.json"
    Workspace.open(path)
    procs = [
        subprocess.Popen([sys.executable, "-c", UPSERTER, str(path), f"p{n}"],
                         stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    docs = [d for _, d in Workspace(path).snapshot().items("customers")]
    keys = [d["key"] for d in docs]
    assert len(keys) == len(set(keys)) == 50
    hits = [h for d in docs for h in d["hits"]]
    assert len(hits) == len(set(hits)) == 800
    json.loads(path.read_text())
