"""Benchmark: import 500 order confirmations with 300 delivery notes from a local server.

For each API (the sandbox of lexware Office, sevDesk and bexio) three orders imports are
measured, each with a new client as ``mwtui import`` makes one:

(a) the first import (after the contacts import, which is counted on its own line);
(b) a re-import of unchanged data (target: list requests only);
(c) a re-import after one order changed at the source (target: a detail request only for
    that order, where the API has detail requests at all).

Printed per run: requests by kind (list / detail / pdf / account) and the response bytes
of each kind, as counted by the sandbox server. ``--json`` prints the same figures as one
JSON document instead.

The lexware Office sandbox enforces 2 requests per second (token bucket, 429 otherwise, like
the real API); the real lexware client paces itself with its own limiter, and the wall time
of its first import is set against the lower bound (requests / 2 per second). At 2 requests
per second a full run takes many minutes: ``--fast N`` runs the server's bucket, the
client's limiter and every sleep on a clock that goes N times faster than real time; wall
times are then projected to real time (measured x N), which is conservative (Python's own
per-request time is also multiplied). There is no network latency (in-process transport).

    .venv/bin/python bench/bench_sync.py --fast 20
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from mwtui.demo.sandbox import SandboxState, sandbox_client
from mwtui.importers.accounting.sync import SyncResult, import_contacts, import_orders
from mwtui.workspace.store import Workspace

Clock = Callable[[], float]


def change_one_order(state: SandboxState) -> str:
    """Edit the oldest order at the source (title and amount), as an operator would."""
    with state.lock:
        order = min(state.orders.values(), key=lambda o: (o.created, o.id))
        order.title = f"{order.title} (geaendert)"
        order.net += Decimal("100.00")
        order.version += 1
        order.updated = datetime.now(order.created.tzinfo) + timedelta(seconds=1)
        return order.number


def measured(state: SandboxState, work: Callable[[], SyncResult]) -> dict[str, Any]:
    """Run one import against freshly zeroed server counters; its figures."""
    state.reset_stats()
    began = time.monotonic()
    result = work()
    spent = time.monotonic() - began
    stats = state.stats()
    return {"status": result.status, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "attachments_added": result.attachments_added,
            "failed": len(result.failed), "changed_since": result.changed_since or None,
            "requests": stats["requests"], "by_kind": stats["by_path"],
            "bytes_by_kind": stats["bytes"], "rate_limited": stats["rate_limited"],
            "seconds": round(spent, 3)}


def run(name: str, orders: int, notes: int, factor: float, rate_limit: bool) -> dict[str, Any]:
    start_real = time.monotonic()

    def clock() -> float:
        return start_real + (time.monotonic() - start_real) * factor

    def sleep(seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / factor)

    def client() -> Any:
        return sandbox_client(name, None, state, clock=clock, sleep=sleep)

    def orders_import() -> SyncResult:
        with client() as fresh:
            return import_orders(ws, fresh, "all")

    state = SandboxState.generated(name, orders=orders, notes=notes, contacts=50,
                                   rate_limit=rate_limit, clock=clock)
    ws = Workspace.open(Path(tempfile.mkdtemp(prefix=f"mwtui-bench-{name}-")) / "bench.json")
    figures: dict[str, Any] = {"api": name, "orders": orders,
                               "delivery_notes": 0 if name == "bexio" else notes,
                               "server_limit": rate_limit, "fast": factor}

    def contacts_import() -> SyncResult:
        with client() as fresh:
            return import_contacts(ws, fresh)

    figures["contacts"] = measured(state, contacts_import)
    figures["first"] = measured(state, orders_import)
    figures["unchanged"] = measured(state, orders_import)
    figures["changed_order"] = change_one_order(state)
    figures["one_changed"] = measured(state, orders_import)
    return figures


def kinds(run_figures: dict[str, Any]) -> str:
    counts, sizes = run_figures["by_kind"], run_figures["bytes_by_kind"]
    return ", ".join(f"{kind} {counts[kind]} ({sizes.get(kind, 0) / 1024:.1f} KiB)"
                     for kind in sorted(counts)) or "none"


def report(figures: dict[str, Any]) -> None:
    name, factor = figures["api"], figures["fast"]
    print(f"== {name}: {figures['orders']} order confirmations, {figures['delivery_notes']} "
          f"delivery notes{', server limit 2 req/s with 429' if figures['server_limit'] else ''}")
    for key, label in (("contacts", "contacts import"), ("first", "(a) first import"),
                       ("unchanged", "(b) re-import unchanged"),
                       ("one_changed", f"(c) one order changed ({figures['changed_order']})")):
        f = figures[key]
        print(f"{label}: {f['created']} created, {f['updated']} updated, {f['unchanged']} "
              f"unchanged, {f['attachments_added']} attachments, {f['failed']} failed; "
              f"status {f['status']}; 429: {f['rate_limited']}")
        print(f"  requests {f['requests']}: {kinds(f)}")
    first = figures["first"]
    if figures["server_limit"]:
        bound, real = first["requests"] / 2.0, first["seconds"] * factor
        print(f"  (a) wall time: {first['seconds']:.1f} s measured at x{factor:g} -> "
              f"{real:.0f} s projected real; lower bound {bound:.0f} s (requests / 2 per "
              f"second); ratio {real / bound:.2f}")
    unchanged, changed = figures["unchanged"], figures["one_changed"]
    print(f"  (b) only list requests: "
          f"{'yes' if set(unchanged['by_kind']) <= {'list'} else 'NO'}; "
          f"(c) detail requests: {changed['by_kind'].get('detail', 0)} for 1 changed order"
          + (f"; delivery notes asked for if changed since {changed['changed_since']}"
             if changed["changed_since"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--fast", type=float, default=1.0, metavar="N",
                        help="run the rate-limit clock N times faster (figures projected)")
    parser.add_argument("--only", choices=("lexware", "sevdesk", "bexio"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("MWTUI_RATE_DIR", tempfile.mkdtemp(prefix="mwtui-bench-rate-"))
    names = [args.only] if args.only else ["lexware", "sevdesk", "bexio"]
    results = []
    for name in names:
        figures = run(name, args.orders, args.notes,
                      args.fast if name == "lexware" else 1.0, rate_limit=name == "lexware")
        results.append(figures)
        if not args.json:
            report(figures)
    if args.json:
        print(json.dumps({"runs": results, "load_average": os.getloadavg()}, indent=2))
    else:
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
