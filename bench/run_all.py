"""Run every benchmark once and print its figures (``make bench``).

The lexware import runs on a clock 20x faster than real time (``--fast 20``); run
``bench/bench_sync.py --only lexware`` for the real ~7.5 minutes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS: list[list[str]] = [
    ["bench_webfakt.py"],
    ["bench_preview.py", "--synthetic"],
    ["bench_workspace.py"],
    ["bench_sync.py", "--fast", "20"],
]


def main() -> int:
    failed = 0
    for script, *args in RUNS:
        print(f"== {script} {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *args])
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
