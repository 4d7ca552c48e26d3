"""Cost of the German catalogue and of Babel formatting (prints figures; not a test).

    .venv/bin/python bench/bench_i18n.py [--runs 7]

Each "cold" figure is measured in a fresh interpreter (median of ``--runs``), as an
operator's ``mwtui`` start would pay it:

- import mwtui.i18n:  the package alone (Babel is not imported yet);
- first German _():   import Babel's po/mo modules, read and merge every
                      ``mwtui/locale/de/LC_MESSAGES/*.po``, ``write_mo`` into memory,
                      ``GNUTranslations`` (what happens once per process);
- first money():      Babel's number/date modules and the CLDR data of ``de_DE``.

Then, in this process, the cost of one cached ``_()`` call and one ``money()`` call.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD = {
    "import mwtui.i18n": "import mwtui.i18n",
    "first German _()": (
        "from mwtui.i18n import _, set_language; set_language('de'); _('Quit')"
    ),
    "first money() de_DE": (
        "from mwtui.i18n import set_language; from mwtui.i18n.formats import money; "
        "set_language('de'); money('1234.5', 'EUR')"
    ),
}

SNIPPET = """
import time
t0 = time.perf_counter()
{setup}
t1 = time.perf_counter()
{code}
print((time.perf_counter() - t1) * 1000)
"""


BREAKDOWN = """
import time
import mwtui.i18n
from mwtui.i18n.catalog import compile_catalog, merged_catalog
t0 = time.perf_counter()
import babel.messages.mofile, babel.messages.pofile
t1 = time.perf_counter()
catalog = merged_catalog("de")
t2 = time.perf_counter()
compile_catalog(catalog)
t3 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000)
"""


def breakdown(runs: int) -> list[float]:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", BREAKDOWN], cwd=ROOT, check=True,
                             capture_output=True, text=True)
        rows.append([float(x) for x in out.stdout.split()])
    return [statistics.median(column) for column in zip(*rows, strict=True)]


def synthetic(entries: int = 1000) -> tuple[float, float]:
    """Read+merge and compile a generated catalogue of ``entries`` messages (warm imports):
    what the full app catalogue will cost once every screen is translated."""
    import tempfile

    from mwtui.i18n.catalog import compile_catalog, merged_catalog

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "de" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        body = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + "".join(
            f'#: mwtui/screens/x.py:{i}\nmsgid "English message number {i} with {{field}}"\n'
            f'msgstr "Deutsche Meldung Nummer {i} mit {{field}}"\n\n' for i in range(entries))
        (folder / "big.po").write_text(body, encoding="utf-8")
        merged_catalog("de", Path(tmp))  # warm Babel's imports
        t0 = time.perf_counter()
        catalog = merged_catalog("de", Path(tmp))
        t1 = time.perf_counter()
        compile_catalog(catalog)
        t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000


def cold(code: str, runs: int) -> float:
    setup = "import mwtui.i18n" if "set_language" in code else "pass"
    script = SNIPPET.format(setup=setup, code=code)
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True,
                             capture_output=True, text=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def warm() -> tuple[float, float]:
    from mwtui.i18n import _, set_language
    from mwtui.i18n.formats import money

    set_language("de")
    _("Quit")
    money("1", "EUR")
    n = 20000
    t0 = time.perf_counter()
    for _i in range(n):
        _("Customers")
    lookup = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for _i in range(2000):
        money("1234.5", "EUR")
    fmt = (time.perf_counter() - t0) / 2000 * 1e6
    return lookup, fmt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from mwtui.i18n.catalog import merged_catalog, po_files

    files = po_files("de")
    entries = len([m for m in merged_catalog("de") if m.id])
    print(f"German catalogue: {len(files)} .po files, {entries} entries")
    for label, code in COLD.items():
        print(f"{label:<22} {cold(code, args.runs):7.1f} ms  (cold, median of {args.runs})")
    imports, parse, compile_ = breakdown(args.runs)
    print(f"  of which: import Babel {imports:.1f} ms, read+merge .po {parse:.1f} ms, "
          f"write_mo+GNUTranslations {compile_:.1f} ms")
    read, compile_ = synthetic()
    print(f"1000-entry catalogue:  read+merge {read:.1f} ms, compile {compile_:.1f} ms (warm)")
    lookup, fmt = warm()
    print(f"{'cached _() call':<22} {lookup:7.2f} µs")
    print(f"{'money() call':<22} {fmt:7.2f} µs")


if __name__ == "__main__":
    main()
