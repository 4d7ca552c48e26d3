"""Benchmark of the WEBFAKT check and commit. Prints figures; not a test.

    .venv/bin/python bench/bench_webfakt.py [--rows 1000000] [--repeat 3]

1. Generates a format-1 file (Windows-1252, CRLF, ~20 % rejects of several kinds) and a
   workspace with 5,000 customers and the article catalogue, in a temporary folder.
2. Times ``mwtui webfakt check FILE`` end to end as a subprocess (median of ``--repeat``),
   and its peak memory (max RSS, measured by a small launcher process: see ``LAUNCHER``).
   Then ``check`` (text) against ``check --json`` (every reject streamed), as a ratio.
3. Times a plain stdlib-``csv`` validator of the same rules, also as a subprocess.
4. Times ``webfakt.commit`` of 100,000 accepted rows into an empty workspace.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("Kunden-Nr.;Artikelnummer;Leistung;Abrechnungsart;Anzahl;Betrag;nächste Rechnung;"
          "Rabatt;Bemerkungen")
SERVICES = ["Homepagewartung", "Wartungsvertrag", "Softwarepflege für Büro",
            "Domain-Gebühr", "Größenänderung Server", "Serverbetreuung"]
CUSTOMERS = 5000


def make_rows(count: int, seed: int = 7, reject_share: float = 0.2) -> list[str]:
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        customer = f"{rnd.randint(1, CUSTOMERS):05d}"
        cycle = rnd.choice(("00", "01", "06", "12", "24", "36"))
        amount = f"{rnd.randint(1, 2500)},{rnd.randint(0, 99):02d}"
        date = f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.20{rnd.randint(10, 30)}"
        quantity = str(rnd.randint(1, 5))
        discount = str(rnd.choice((0, 0, 0, 5, 10)))
        remark = f"Vertrag {i} für Kunde {customer}"
        if rnd.random() < reject_share:
            kind = rnd.randrange(6)
            if kind == 0:
                customer = f"9{rnd.randint(0, 99999):05d}"  # unknown customer
            elif kind == 1:
                amount = "0,00"
            elif kind == 2:
                date = "31.02.2026"
            elif kind == 3:
                cycle = "03"
            elif kind == 4:
                discount = "150"
            else:
                remark += ";zu viel"
        rows.append(f"{customer};{10000 + i % 500};{rnd.choice(SERVICES)};{cycle};{quantity};"
                    f"{amount};{date};{discount};{remark}")
    return rows


def write_file(path: Path, rows: list[str]) -> None:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))


def make_workspace(path: Path) -> None:
    from mwtui.workspace.models import Article, Customer
    from mwtui.workspace.store import Workspace

    ws = Workspace.open(path)
    with ws.transaction() as tx:
        tx.insert_many("customers", [Customer(name=f"Kunde {n}", number=f"{n:05d}").to_record()
                                     for n in range(1, CUSTOMERS + 1)])
        tx.insert_many("articles", [Article(number=str(10000 + n), name=f"Artikel {n}",
                                            price="10.00").to_record() for n in range(500)])


STDLIB_VALIDATOR = r'''
import csv, io, json, re, sys
from datetime import datetime
path, db = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError:
    text = data.decode("cp1252", errors="replace")
manifest = json.load(open(db + "/MANIFEST", encoding="utf-8"))  # the workspace folder
table = manifest["tables"]["customers"]
ws = json.load(open(db + "/" + table, encoding="utf-8"))
customers = {}
for doc in ws["customers"].values():
    customers.setdefault(doc["number"], []).append(doc)
stripped = {}
for number in customers:
    stripped.setdefault(number.lstrip("0") or "0", []).append(number)
DEC = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
CYCLES = {"00", "01", "06", "12", "24", "36"}
def dec(v):
    return float(v.replace(".", "").replace(",", ".")) if DEC.match(v) else None
reasons = {}
accepted = 0
rows = csv.reader(io.StringIO(text), delimiter=";")
next(rows)
for line, f in enumerate(rows, start=2):
    if not f:
        continue
    reason = None
    if len(f) != 9 and not (len(f) == 10 and f[9] == ""):
        reason = "field_count"
    else:
        c = f[0].strip()
        if c not in customers:
            fits = stripped.get(c.lstrip("0") or "0", [])
            if len(fits) != 1:
                reason = "ambiguous_customer" if fits else "unknown_customer"
        if reason is None and f[3].strip().zfill(2) not in CYCLES:
            reason = "bad_cycle"
        q = f[4].strip()
        if reason is None and q and not ((dec(q) or 0) > 0):
            reason = "bad_quantity"
        a = f[5].strip()
        amount = dec(a) if a else None
        if reason is None and a and amount is None:
            reason = "bad_amount"
        d = f[7].strip().rstrip("%").strip()
        if reason is None and d:
            dv = dec(d)
            if dv is None or not 0 <= dv <= 100:
                reason = "bad_discount"
        n = f[6].strip()
        if reason is None and n:
            try:
                datetime.strptime(n, "%d.%m.%Y")
            except ValueError:
                reason = "bad_date"
        if reason is None and not f[2].strip():
            reason = "missing_service"
        if reason is None and not amount:
            reason = "zero_amount"
    if reason:
        reasons[reason] = reasons.get(reason, 0) + 1
    else:
        accepted += 1
print(json.dumps({"accepted": accepted, "reasons": reasons}))
'''


# Runs the command from a small process and reports its wall time and peak RSS. Linux
# carries the memory high-water mark of the process that forks into the exec'd child, so
# ``ru_maxrss`` of a child of this (large) script would report this script's own peak.
LAUNCHER = r'''
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], check=False)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(f"{elapsed} {peak}", file=sys.stderr)
sys.exit(done.returncode)
'''


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str, int]:
    """``(seconds, stdout, peak RSS in bytes)`` of ``cmd``."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {done.stderr}")
    elapsed, peak = done.stderr.strip().splitlines()[-1].split()
    return float(elapsed), done.stdout, int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commit-rows", type=int, default=100_000)
    parser.add_argument("--json-only", action="store_true",
                        help="stop after the check and check --json figures")
    args = parser.parse_args()
    mwtui = str(Path(sys.executable).with_name("mwtui"))
    with tempfile.TemporaryDirectory(prefix="mwtui-bench-") as tmp:
        folder = Path(tmp)
        data = folder / "services.csv"
        db = folder / "ws.json"
        t0 = time.perf_counter()
        write_file(data, make_rows(args.rows))
        make_workspace(db)
        size = data.stat().st_size
        print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB Windows-1252 "
              f"(generated in {time.perf_counter() - t0:.1f} s)")
        env = {**os.environ, "MWTUI_DB": str(db), "MWTUI_CONFIG": str(folder / "cfg.toml")}

        times, out, peak = [], "", 0
        for _ in range(args.repeat):
            elapsed, out, rss = run([mwtui, "webfakt", "check", str(data), "--max-rejects",
                                     "20"], env)
            times.append(elapsed)
            peak = max(peak, rss)
        check_median = statistics.median(times)
        print(f"mwtui webfakt check: median {check_median:.2f} s of "
              f"{', '.join(f'{t:.2f}' for t in times)}")
        print("  " + "\n  ".join(out.splitlines()[1:3]))
        print(f"  peak memory (max RSS): {peak / 1e6:.0f} MB = {peak / size:.1f}x file size")

        text_times, json_times = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            text_times.append(run([mwtui, "webfakt", "check", str(data)], env)[0])
            json_times.append(run([mwtui, "webfakt", "check", str(data), "--json"], env)[0])
        text_median, json_median = statistics.median(text_times), statistics.median(json_times)
        print(f"webfakt check text (default 200 rejects listed): median {text_median:.2f} s; "
              f"--json (every reject): median {json_median:.2f} s = "
              f"{json_median / text_median:.2f}x the text output")
        if args.json_only:
            return

        script = folder / "stdlib_validator.py"
        script.write_text(STDLIB_VALIDATOR, encoding="utf-8")
        std_times = []
        for _ in range(max(1, min(args.repeat, 2))):
            elapsed, std_out, _rss = run([sys.executable, str(script), str(data), str(db)],
                                         env)
            std_times.append(elapsed)
        std_median = statistics.median(std_times)
        print(f"stdlib csv validator: median {std_median:.2f} s  {std_out.strip()[:160]}")
        print(f"speed-up: {std_median / check_median:.1f}x")

        from mwtui.importers.webfakt import check_file, commit
        from mwtui.workspace.store import Workspace

        small = folder / "commit.csv"
        write_file(small, make_rows(args.commit_rows, seed=11, reject_share=0.0))
        target = folder / "commit.json"
        make_workspace(target)
        ws = Workspace.open(target)
        result = check_file(small, ws)
        start = time.perf_counter()
        done = commit(ws, result, small)
        elapsed = time.perf_counter() - start
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        print(f"commit: {done.committed:,} services in {elapsed:.2f} s "
              f"(workspace folder {size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
