"""Delivery-note PDFs fetched for a dialog's preview, kept so that confirming does not
fetch them again.

One :class:`PdfCache` lives as long as the import dialog; :func:`caching_factory` wraps a
client factory so that every client it makes (preview, re-check, import) asks the cache
before downloading. Keyed by integration, document id and the source's change marker (a
document changed at the source is fetched again); at most ``max_bytes`` are kept, the
oldest entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from mwtui.importers.accounting.protocol import AccountingClient, RemoteDeliveryNote

MAX_CACHE_BYTES = 200 * 1024 * 1024

Key = tuple[str, str, str]


class PdfCache:
    """PDF bytes by (integration, document id, change marker), bounded, thread-safe."""

    def __init__(self, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Key, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(note: RemoteDeliveryNote) -> Key:
        return (note.integration, note.external_id, note.change_marker or "")

    def get(self, note: RemoteDeliveryNote) -> bytes | None:
        with self._lock:
            return self._items.get(self.key(note))

    def put(self, note: RemoteDeliveryNote, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            key = self.key(note)
            self._size -= len(self._items.pop(key, b""))
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                self._size -= len(self._items.popitem(last=False)[1])

    @property
    def size(self) -> int:
        return self._size


class CachingClient:
    """``client`` with downloads served from ``cache`` when fetched before."""

    def __init__(self, client: AccountingClient, cache: PdfCache) -> None:
        self._client, self._cache = client, cache

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        data = self._cache.get(note)
        if data is None:
            data = self._client.download_delivery_note(note)
            self._cache.put(note, data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def caching_factory(factory: Any, cache: PdfCache) -> Any:
    """A client factory like ``factory`` whose clients share ``cache``."""

    def make(name: str) -> Any:
        return CachingClient(factory(name), cache)

    make.after_import = getattr(factory, "after_import", None)  # type: ignore[attr-defined]
    if make.after_import is None:  # type: ignore[attr-defined]
        del make.after_import  # type: ignore[attr-defined]
    return make
