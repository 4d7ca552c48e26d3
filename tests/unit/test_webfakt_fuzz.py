"""Property: any bytes given to the check end in a result or the one declared FileError.

The default run keeps the example count modest; a dedicated long run:
``MWTUI_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/test_webfakt_fuzz.py -m fuzz``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.webfakt import HEADER1, HEADER2, HEADER3, HEADER4, lookups

from mwtui.importers.webfakt import CheckResult, FileError, check_bytes

# Read at import: the autouse fixture in conftest clears MWTUI_* variables for each test.
FUZZ_EXAMPLES = int(os.environ.get("MWTUI_FUZZ_EXAMPLES", "0") or 0)

HEADERS = [h.encode(enc) for h in (HEADER1, HEADER2, HEADER3, HEADER4)
           for enc in ("utf-8", "cp1252")]
PIECES = [b";", b'"', b"\r\n", b"\n", b"\r", b"'", b"=", b"0", b"001", b"38,53", b"1.234,56",
          b"22.05.2004", b"2013-04-19 00:00:00", b"<br>", b"\xef\xbb\xbf", b"\x00", b"\x81",
          b"\xe4", b"\xc3\xa4", b"\xff\xfe", b"\x1f", b"Kunden-Nr.", b"12101", b" ", b"\t"]

any_bytes = st.binary(max_size=400)
shaped = st.builds(
    lambda header, parts: header + b"\n" + b"".join(parts),
    st.sampled_from(HEADERS),
    st.lists(st.sampled_from(PIECES) | st.binary(max_size=8), max_size=60),
)


def _run(data: bytes) -> None:
    try:
        result = check_bytes(data, lookups())
    except FileError:
        return
    assert isinstance(result, CheckResult)
    assert result.accepted + result.rejected == result.total
    assert sum(result.reasons.values()) == result.rejected
    result.to_json()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(any_bytes | shaped)
def test_any_bytes_give_a_result_or_file_error(data: bytes) -> None:
    _run(data)


@pytest.mark.fuzz
@pytest.mark.skipif(not FUZZ_EXAMPLES, reason="set MWTUI_FUZZ_EXAMPLES for the long run")
def test_any_bytes_long_run() -> None:
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(any_bytes | shaped)
    def run(data: bytes) -> None:
        _run(data)

    run()
