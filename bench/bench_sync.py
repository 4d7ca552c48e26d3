"""Benchmark: import 500 order confirmations with 300 delivery notes from a local server.

The lexware Office sandbox enforces 2 requests per second (token bucket, 429 otherwise, like
the real API); the real lexware client paces itself with its own limiter. Printed: requests
made (by kind), 429s received (target 0), wall time against the lower bound (requests / 2
per second), then a re-import of unchanged data (target: list requests only). sevDesk and
bexio get the same data size, without a rate limit, for their request counts.

At 2 requests per second a full run takes many minutes. ``--fast N`` runs the server's
bucket, the client's limiter and every sleep on a clock that goes N times faster than real
time; the figures are then printed both as measured (scaled) and projected to real time
(measured x N). The projection is conservative: Python's own per-request time is also
multiplied by N. There is no network latency (in-process transport), which a real account
adds on top.

    .venv/bin/python bench/bench_sync.py --fast 20
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.importers.accounting.sync import import_contacts, import_orders
from mwtui.workspace.store import Workspace


def run(name: str, orders: int, notes: int, factor: float, rate_limit: bool) -> None:
    start_real = time.monotonic()

    def clock() -> float:
        return start_real + (time.monotonic() - start_real) * factor

    def sleep(seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / factor)

    state = SandboxState.generated(name, orders=orders, notes=notes, contacts=50,
                                   rate_limit=rate_limit, clock=clock)
    client = sandbox_client(name, None, state, clock=clock, sleep=sleep)
    folder = Path(tempfile.mkdtemp(prefix=f"mwtui-bench-{name}-"))
    ws = Workspace.open(folder / "bench.json")
    print(f"== {name}: {orders} order confirmations, "
          f"{notes if name != 'bexio' else 0} delivery notes"
          f"{', server limit 2 req/s with 429' if rate_limit else ''}")

    began = time.monotonic()
    import_contacts(ws, client)
    result = import_orders(ws, client, "all")
    spent = time.monotonic() - began
    stats = state.stats()
    requests = stats["requests"]
    print(f"first import:  {result.created} created, {result.attachments_added} attachments, "
          f"{len(result.failed)} failed; status {result.status}")
    print(f"  requests made: {requests} {stats['by_path']}; 429 received: "
          f"{stats['rate_limited']}")
    if rate_limit:
        bound = requests / 2.0
        real = spent * factor
        print(f"  wall time: {spent:.1f} s measured at x{factor:g} -> {real:.0f} s projected "
              f"real; lower bound {bound:.0f} s (requests / 2 per second); "
              f"ratio {real / bound:.2f}")
    else:
        print(f"  wall time: {spent:.2f} s (no server limit)")

    state.reset_stats()
    began = time.monotonic()
    again = import_orders(ws, client, "all")
    spent = time.monotonic() - began
    stats = state.stats()
    only_lists = set(stats["by_path"]) <= {"list"}
    print(f"re-import unchanged: {again.created} created, {again.updated} updated, "
          f"{again.unchanged} unchanged; requests {stats['requests']} {stats['by_path']} "
          f"-> only list requests: {'yes' if only_lists else 'NO'}; 429: "
          f"{stats['rate_limited']}; {spent * (factor if rate_limit else 1):.1f} s"
          f"{' projected real' if rate_limit else ''}")
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--fast", type=float, default=1.0, metavar="N",
                        help="run the rate-limit clock N times faster (figures projected)")
    parser.add_argument("--only", choices=("lexware", "sevdesk", "bexio"))
    args = parser.parse_args()
    os.environ.setdefault("MWTUI_RATE_DIR", tempfile.mkdtemp(prefix="mwtui-bench-rate-"))
    names = [args.only] if args.only else ["lexware", "sevdesk", "bexio"]
    for name in names:
        run(name, args.orders, args.notes, args.fast if name == "lexware" else 1.0,
            rate_limit=name == "lexware")


if __name__ == "__main__":
    main()
