"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mwtui.workspace.errors import UsageError


def resolve_input_file(value: str) -> Path:
    """A file argument that must exist, as a Path (UsageError otherwise)."""
    path = Path(value).expanduser()
    if not path.is_file():
        raise UsageError(f"No such file: {value}")
    return path


def write_json(data: Any) -> None:
    """``data`` as one line of JSON on stdout (non-ASCII kept as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False))
    sys.stdout.write("\n")


def write_json_parts(parts: Iterable[str]) -> None:
    """JSON text written as it is made (one line on stdout, like :func:`write_json`)."""
    write = sys.stdout.write
    for part in parts:
        write(part)
    write("\n")
