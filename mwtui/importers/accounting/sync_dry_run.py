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
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.store import Workspace

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
