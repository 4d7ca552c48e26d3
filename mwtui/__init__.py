"""mwtui: a keyboard-first terminal workspace for small trade businesses."""

import os

__version__ = "0.1.0"

# polars' allocator (jemalloc, read once when polars loads) keeps freed pages for 10 s by
# default; a WEBFAKT check then holds its peak through the commit that follows. Returning
# them after 200 ms keeps a 1M-row check + commit under 4x the file (measured by
# bench/bench_store.py --commit-only), at no measurable cost in time. The operator's own
# setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")
