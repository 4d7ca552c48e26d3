"""Delivery-note PDFs of a PostgreSQL workspace: stored in the database (bytea, keyed and
deduplicated by SHA-256), mirrored into a local folder that the viewers read from.

An importer writes a PDF as ``<sha256>.pdf`` into ``attachments_dir`` before the
transaction that references it; that transaction uploads it. Any machine of the team
gets the PDFs it lacks the next time it asks for ``attachments_dir``. The ``path`` of an
attachment is not stored (null): it would name one machine's folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Any

from mwtui.workspace.errors import StoreError

NAME = re.compile(r"([0-9a-f]{64})\.pdf")


def without_paths(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The activity with each attachment's ``path`` null, and its stored file names."""
    atts = doc.get("attachments")
    if not isinstance(atts, list) or not atts:
        return doc, []
    names = [str(a.get("name") or "") for a in atts if isinstance(a, dict)]
    if all(isinstance(a, dict) and a.get("path") is None for a in atts):
        return doc, names
    cleaned = [{**a, "path": None} if isinstance(a, dict) else a for a in atts]
    return {**doc, "attachments": cleaned}, names


def upload(conn: Any, folder: Path, names: list[str]) -> None:
    """Store the local PDFs named ``<sha256>.pdf`` that the database does not hold yet."""
    digests = {m[1]: n for n in set(names) if (m := NAME.fullmatch(n))}
    if not digests:
        return
    held = {r[0] for r in conn.execute(
        "SELECT sha256 FROM mwtui_attachments WHERE sha256 = ANY(%s)", (list(digests),))}
    for digest, name in digests.items():
        if digest in held:
            continue
        try:
            content = (folder / name).read_bytes()
        except OSError:
            continue  # written on another machine, which uploaded it
        if hashlib.sha256(content).hexdigest() != digest:
            raise StoreError(f"{folder / name} does not match its SHA-256; not stored.")
        conn.execute("INSERT INTO mwtui_attachments (sha256, content, size) "
                     "VALUES (%s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                     (digest, content, len(content)))


def download(conn: Any, folder: Path) -> int:
    """Write the PDFs this machine lacks into ``folder``; returns how many."""
    missing = [d for (d,) in conn.execute("SELECT sha256 FROM mwtui_attachments")
               if not (folder / f"{d}.pdf").is_file()]
    if not missing:
        return 0
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for digest in missing:
        (content,) = conn.execute("SELECT content FROM mwtui_attachments WHERE sha256 = %s",
                                  (digest,)).fetchone()
        tmp = folder / f".{digest[:16]}.{secrets.token_hex(4)}.tmp"
        try:
            tmp.write_bytes(bytes(content))
            os.replace(tmp, folder / f"{digest}.pdf")
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return len(missing)
