"""The first page of the Activities list, stored with the activities table.

Every transaction that changes the activities table also writes this page: the rows the
Activities screen shows first (newest ``created`` first, ties newest stored first), only
the fields a row shows, and the count. It is the pseudo-table ``_activities_page`` of the
manifest, written in the same manifest swap as the table, so it is as crash-safe as any
other file. The page names the activities file it was built from; a reader ignores a page
built from another file (then it reads the whole table). See docs/STORAGE.md.
"""

from __future__ import annotations

import heapq
from typing import Any

Doc = dict[str, Any]

ACTIVITIES = "activities"
PAGE_TABLE = "_activities_page"
PAGE_ROWS = 300
"""Rows kept: more than any terminal shows at once."""

_FIELDS = ("source", "number", "title", "customer_id", "type_id", "created", "missing_at_source")


def build_page(activities: dict[str, Doc], table_file: str) -> dict[str, Doc]:
    """The page table for ``activities`` as stored in ``table_file``."""
    docs = list(activities.items())
    created = [str(doc.get("created") or "") for _key, doc in docs]
    # (created, position), largest first: ties in created go newest stored first
    top = heapq.nlargest(PAGE_ROWS, zip(created, range(len(docs)), strict=True))
    rows = [compact_row(int(docs[i][0]), docs[i][1]) for _created, i in top]
    return {"1": {ACTIVITIES: table_file, "count": len(docs), "rows": rows}}


def compact_row(doc_id: int, doc: Doc) -> Doc:
    """What a row shows of one activity (``id`` added, ``attachments`` a count)."""
    row = {key: doc[key] for key in _FIELDS if key in doc}
    row["id"] = doc_id
    row["attachments"] = len(doc.get("attachments") or ())
    return row


def current_page(page_table: dict[str, Doc], table_file: str | None) -> Doc | None:
    """The page if it was built from ``table_file`` (the committed activities file)."""
    page = page_table.get("1")
    if not isinstance(page, dict) or table_file is None or page.get(ACTIVITIES) != table_file:
        return None
    if not isinstance(page.get("count"), int) or not isinstance(page.get("rows"), list):
        return None
    return page
