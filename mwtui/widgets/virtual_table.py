"""A virtual table on Textual's line API: only the visible rows are ever rendered.

The data lives in a :class:`TableSource` (a polars frame, a list of workspace records...);
the widget asks it for a window of rows around the viewport and caches that window. With a
million rows the cost of a paint or a page-down is the cost of one small slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mwtui.i18n import N_
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.text import safe_text


@dataclass(frozen=True)
class Column:
    """A column: ``width`` in cells, or ``None`` to share the remaining width (by
    ``weight``, at least ``min_width``). When the table is too narrow for every column,
    columns with a ``priority`` above 0 are hidden, the highest number first."""

    key: str
    label: str
    width: int | None = None
    align_right: bool = False
    min_width: int = 4
    priority: int = 0
    weight: int = 1


class TableSource(Protocol):
    """Rows for a VirtualTable. Cells are plain text (never markup)."""

    def __len__(self) -> int: ...

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        """Cells of rows ``start`` to ``stop`` (exclusive), in column order."""
        ...

    def row_style(self, index: int) -> str | None:
        """An optional style name for a row: "error", "warning", "muted" or None."""
        ...


class ListSource:
    """A TableSource over an in-memory list of row tuples."""

    def __init__(self, rows: Sequence[Sequence[object]], styles: Sequence[str | None] = ()):
        self._rows = rows
        self._styles = styles

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, start: int, stop: int) -> Sequence[Sequence[object]]:
        return self._rows[start:stop]

    def row_style(self, index: int) -> str | None:
        return self._styles[index] if index < len(self._styles) else None


def _fit(text: str, width: int, right: bool) -> str:
    """Clip or pad ``text`` to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        out = ""
        for ch in text:
            if cell_len(out + ch) > width - 1:
                break
            out += ch
        text = out + "…"
    pad = width - cell_len(text)
    return (" " * pad + text) if right else (text + " " * pad)


class VirtualTable(TranslatedBindings, ScrollView, can_focus=True):
    """A keyboard-driven table over a TableSource; renders only visible lines."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False),
        Binding("down,j", "cursor(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown,space", "page(1)", N_("Page down"), show=False),
        Binding("home,g", "jump(0)", N_("First"), show=False),
        Binding("end,G", "jump(-1)", N_("Last"), show=False),
        Binding("enter", "select", N_("Open"), show=False),
    ]

    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--error",
        "virtual-table--warning",
        "virtual-table--muted",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
    }
    VirtualTable > .virtual-table--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $accent;
        color: $text;
    }
    VirtualTable > .virtual-table--error {
        color: $error;
    }
    VirtualTable > .virtual-table--warning {
        color: $warning;
    }
    VirtualTable > .virtual-table--muted {
        color: $text-muted;
    }
    """

    cursor_row: reactive[int] = reactive(0)

    class _RowMessage(Message):
        """A message about one row of the table (``control`` lets ``@on`` match by id)."""

        def __init__(self, table: VirtualTable, index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to ``index``."""

    class RowSelected(_RowMessage):
        """Enter was pressed on ``index``."""

    CACHE_ROWS = 400

    def __init__(
        self,
        columns: Sequence[Column],
        source: TableSource | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.source: TableSource = source or ListSource([])
        self._cache_start = 0
        self._cache: Sequence[Sequence[object]] = []
        self._widths: list[int] = []
        self._paint_styles: dict[str, Style] = {}

    # -- data ----------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.source)

    def set_source(
        self, source: TableSource, keep_cursor: bool = False, cursor: int | None = None
    ) -> None:
        """Show other rows (e.g. after filtering).

        The cursor goes to the top, stays where it was with ``keep_cursor``, or goes to row
        ``cursor`` when given (clamped); it is scrolled into view either way.
        """
        self.source = source
        self._cache = []
        self._cache_start = 0
        self.virtual_size = Size(0, self.row_count + 1)
        last = max(0, self.row_count - 1)
        if cursor is not None:
            target = max(0, min(last, cursor))
        else:
            target = min(self.cursor_row, last) if keep_cursor else 0
        if not keep_cursor and cursor is None:
            self.scroll_to(y=0, animate=False)
        self.set_reactive(VirtualTable.cursor_row, target)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.cursor_row))

    def _row(self, index: int) -> Sequence[object] | None:
        if not 0 <= index < self.row_count:
            return None
        offset = index - self._cache_start
        if not 0 <= offset < len(self._cache):
            start = max(0, index - self.CACHE_ROWS // 4)
            self._cache = self.source.rows(start, start + self.CACHE_ROWS)
            self._cache_start = start
            offset = index - start
            if offset >= len(self._cache):
                return None
        return self._cache[offset]

    # -- layout --------------------------------------------------------------------------
    def _compute_widths(self, total: int) -> list[int]:
        """Cells per column; 0 for a column hidden because the table is too narrow."""
        shown = list(self.columns)

        def needed() -> int:
            return sum(c.width if c.width is not None else c.min_width
                       for c in shown) + len(shown) - 1

        while needed() > total:
            hideable = [c for c in shown if c.priority > 0]
            if not hideable:
                break
            shown.remove(max(reversed(hideable), key=lambda c: c.priority))
        flex = [c for c in shown if c.width is None]
        remaining = max(0, total - sum(c.width or 0 for c in shown) - (len(shown) - 1))
        weights = sum(c.weight for c in flex) or 1
        shares = {id(c): max(c.min_width, remaining * c.weight // weights) for c in flex}
        visible = {id(c) for c in shown}
        return [0 if id(c) not in visible else c.width if c.width is not None else shares[id(c)]
                for c in self.columns]

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, self.row_count + 1)
        self.call_after_refresh(self._scroll_cursor_into_view)

    def on_mount(self) -> None:
        self.virtual_size = Size(0, self.row_count + 1)

    # -- rendering -----------------------------------------------------------------------
    def _line_text(self, cells: Sequence[object]) -> str:
        parts = [
            _fit(safe_text(cell, one_line=True), width, col.align_right)
            for cell, width, col in zip(cells, self._widths, self.columns, strict=False)
            if width > 0
        ]
        return " ".join(parts)

    _KINDS = ("error", "warning", "muted")

    def _compute_styles(self) -> dict[str, Style]:
        """Rich styles for every kind of line, with and without the cursor."""
        base = self.rich_style
        cursor = self.get_component_rich_style("virtual-table--cursor")
        styles = {"base": base, "cursor": base + cursor,
                  "header": base + self.get_component_rich_style("virtual-table--header")}
        for kind in self._KINDS:
            styles[kind] = base + self.get_component_rich_style(f"virtual-table--{kind}")
            styles[f"cursor-{kind}"] = styles[kind] + cursor
        return styles

    def render_lines(self, crop: Region) -> list[Strip]:
        """Work out widths and styles once per paint, then render the lines."""
        self._widths = self._compute_widths(self.scrollable_content_region.width)
        self._paint_styles = self._compute_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._paint_styles = {}

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._paint_styles
        if not styles:  # called outside render_lines (tests, subclasses)
            self._widths = self._compute_widths(width)
            styles = self._compute_styles()
        if y == 0:
            header = self._line_text([c.label for c in self.columns])
            return Strip([Segment(_fit(header, width, False), styles["header"])], width)
        index = self.scroll_offset.y + y - 1
        cells = self._row(index)
        if cells is None:
            return Strip.blank(width, styles["base"])
        kind = self.source.row_style(index)
        name = kind if kind in self._KINDS else "base"
        if index == self.cursor_row:
            name = "cursor" if name == "base" else f"cursor-{name}"
        return Strip([Segment(_fit(self._line_text(cells), width, False), styles[name])], width)

    # -- cursor --------------------------------------------------------------------------
    @property
    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if old != new:
            self.post_message(self.RowHighlighted(self, new))

    def _scroll_cursor_into_view(self) -> None:
        top = self.scroll_offset.y
        visible = self.size.height - 1
        if visible <= 0:  # not laid out yet; on_resize scrolls once the size is known
            return
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def move_cursor(self, index: int) -> None:
        if self.row_count == 0:
            return
        self.cursor_row = max(0, min(self.row_count - 1, index))

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * self._page)

    def action_jump(self, where: int) -> None:
        self.move_cursor(self.row_count - 1 if where < 0 else where)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

