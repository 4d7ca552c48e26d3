"""A TableSource over a preview view: each paint slices only the visible window."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from mwtui.screens.preview_presenter import PreviewView, build_view, row_kinds, table_rows


class FrameSource:
    """Rows of a :class:`PreviewView` (or a whole check frame) for a VirtualTable; row
    styles are fetched per window and cached."""

    WINDOW = 200

    def __init__(self, view: PreviewView | pl.DataFrame) -> None:
        self.view = view if isinstance(view, PreviewView) else build_view(view, "all")
        self._style_start = 0
        self._styles: list[str | None] = []

    def __len__(self) -> int:
        return len(self.view)

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        return table_rows(self.view, start, stop)

    def row_style(self, index: int) -> str | None:
        offset = index - self._style_start
        if not 0 <= offset < len(self._styles):
            self._style_start = max(0, index - self.WINDOW // 4)
            self._styles = row_kinds(self.view, self._style_start,
                                     self._style_start + self.WINDOW)
            offset = index - self._style_start
            if not 0 <= offset < len(self._styles):
                return None
        return self._styles[offset]
