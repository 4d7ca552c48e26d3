"""Dry run of an API import: the same reads and the same per-item report, nothing written.

The import runs against a scratch copy of the workspace folder in a temporary directory.
The copy is made of hard links, which is safe because the store never changes a file
after writing it (a commit writes new files and swaps the manifest); the scratch commits
write new files in the scratch folder only. Delivery notes go to the scratch attachments
folder. The scratch folder is deleted afterwards; the real workspace is never opened for
writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.store import Snapshot, Workspace

COPY_ATTEMPTS = 5  # a concurrent commit may delete a file while we link it: start over


def _link_tree(source: Path, target: Path) -> None:
    for folder, _dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = Path(folder) / name, target / rel / name
            try:
                os.link(src, dst)
            except OSError as err:
                if isinstance(err, FileNotFoundError):
                    raise
                shutil.copy2(src, dst)  # another file system or no hard links: copy


@contextlib.contextmanager
def scratch_copy(workspace: Workspace) -> Iterator[Workspace]:
    """A throw-away workspace with the same records as ``workspace``."""
    root = Path(tempfile.mkdtemp(prefix="mwtui-dry-run-"))
    try:
        target = root / workspace.path.name
        for attempt in range(COPY_ATTEMPTS):
            try:
                if workspace.path.exists():
                    _link_tree(workspace.path, target)
                break
            except FileNotFoundError:
                shutil.rmtree(target, ignore_errors=True)
                if attempt == COPY_ATTEMPTS - 1:
                    raise MwtuiError("The workspace kept changing while the dry run copied "
                                     "it; try again.") from None
        yield Workspace.open(target)
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: Fields that are bookkeeping, not what the source said: left out of a fingerprint.
_NOT_CONTENT = frozenset({"updated", "imported", "batch", "local", "type_id", "added", "path"})


def _digest(value: object) -> object:
    if isinstance(value, dict):
        return {k: _digest(v) for k, v in sorted(value.items()) if k not in _NOT_CONTENT}
    if isinstance(value, list):
        return [_digest(v) for v in value]
    return value


def fingerprints(snapshot: Snapshot, integration: str) -> dict[str, tuple[str, str]]:
    """``{"activities:<external id>": (number, digest)}`` (and ``customers:``) of every
    record linked to ``integration``: what an import would leave there. Two dry runs whose
    fingerprints differ read different data from the source."""
    found: dict[str, tuple[str, str]] = {}
    for doc_id, doc in snapshot.items("activities"):
        if doc.get("source") == integration and doc.get("external_id"):
            customer = snapshot.get("customers", doc.get("customer_id"))
            content = {**doc, "customer_id": _digest((customer or {}).get("sources"))}
            found[f"activities:{doc['external_id']}"] = (
                str(doc.get("number") or doc_id), _hash(content))
    for doc_id, doc in snapshot.items("customers"):
        for link in doc.get("sources") or []:
            if link.get("integration") == integration:
                found[f"customers:{link.get('external_id')}"] = (
                    str(doc.get("number") or doc.get("name") or doc_id),
                    _hash({k: v for k, v in doc.items() if k != "created"}))  # local time
    return found


def _hash(doc: dict) -> str:
    text = json.dumps(_digest(doc), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
