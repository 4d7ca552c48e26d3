"""The cheap look at the raw lines (which lines may be quoted, padded, escaped or hold a
NUL) decides exactly as a full scan of every line and every field would."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from mwtui.importers.webfakt.bounded import field_checks
from mwtui.importers.webfakt.read import _line_traits, split_fields

PIECES = [";", '"', "'", " ", "\t", "\r", "\x00", "a", "12", "=", " ;", "; ", "x" * 50]
lines = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=8)


def _frame(raws: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"line": pl.Series(range(1, len(raws) + 1), dtype=pl.UInt32),
                         "raw": pl.Series(raws, dtype=pl.String)})


def _full_scan(raws: list[str]) -> tuple[bool, bool, bool]:
    padded = any(" ;" in r or "; " in r or r.startswith(" ") or r.endswith(" ")
                 or "\t" in r or "\r" in r for r in raws)
    return any('"' in r for r in raws), padded, any("'" in r for r in raws)


@given(lines)
def test_line_traits_match_a_full_scan(raws: list[str]) -> None:
    assert _line_traits(_frame(raws)) == _full_scan(raws)


@given(lines)
def test_field_checks_from_the_lines_match_every_field(raws: list[str]) -> None:
    frame = split_fields(_frame(raws), 3, allow_extra=False)
    fields = [("customer_number", "A"), ("cycle", "B"), ("amount", "C")]
    frame = frame.rename({f"f{i}": name for i, (name, _h) in enumerate(fields)})
    plain = field_checks(frame, fields)
    from_lines = field_checks(frame, fields, source="raw")
    assert [(c[1], c[2]) for c in plain] == [(c[1], c[2]) for c in from_lines]
    assert all(a[0].meta.eq(b[0]) for a, b in zip(plain, from_lines, strict=True))
