"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mwtui.workspace.errors import UsageError


def resolve_input_file(value: str) -> Path:
    """A file argument that must be an existing regular file, as a Path; otherwise a
    ``UsageError`` saying what it is (missing, a folder, a pipe or device)."""
    from mwtui.i18n import _

    path = Path(value).expanduser()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(_("No such file: {path}").format(path=value)) from None
    except OSError as err:
        raise UsageError(_("Cannot read {path}: {reason}.").format(
            path=value, reason=err.strerror or err)) from None
    if stat.S_ISDIR(mode):
        raise UsageError(_("{path} is a folder, not a file; give the path of the file "
                           "inside it.").format(path=value))
    if not stat.S_ISREG(mode):
        raise UsageError(_("{path} is not a regular file (a pipe or a device); give the "
                           "path of a file.").format(path=value))
    return path


# What json leaves raw with ensure_ascii=False but a terminal obeys: DEL, C1 controls,
# bidi embeddings/overrides/isolates and marks, line/paragraph separators.
_TERMINAL_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                              r"\u2028\u2029]")


def dumps_safe(data: Any) -> str:
    """``data`` as JSON with non-ASCII kept, except control and bidi characters, which
    are written as ``\\uXXXX`` escapes: the same value to a JSON reader, inert on a
    terminal."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}",
                                json.dumps(data, ensure_ascii=False))


def write_json(data: Any) -> None:
    """``data`` as one line of JSON on stdout (non-ASCII kept, controls escaped)."""
    sys.stdout.write(dumps_safe(data))
    sys.stdout.write("\n")


def write_json_parts(parts: Iterable[str]) -> None:
    """JSON text written as it is made (one line on stdout, like :func:`write_json`)."""
    write = sys.stdout.write
    for part in parts:
        write(part)
    write("\n")
