"""Dialogs of the WEBFAKT preview: ask for a path, browse, row detail, batches.

Yes/no questions use the one :class:`~mwtui.widgets.dialogs.ConfirmDialog`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Label, Static

from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.path_input import PathInput
from mwtui.widgets.virtual_table import Column, ListSource, VirtualTable
from mwtui.workspace.batches import can_undo, list_batches, undo_batch
from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.text import safe_text

DIALOG_CSS = """
.dialog {
    width: 76;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-tall { height: 90%; }
.dialog-hint { color: $text-muted; height: auto; }
"""


class PathPromptScreen(ModalScreen[Path | None]):
    """Ask for a file path (Tab completes). Enter accepts, Escape cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self._question = question
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._question, markup=False)
            yield PathInput(safe_text(self._default, one_line=True), id="prompt-path")
            yield Label("Enter writes, Tab completes, Escape cancels.", classes="dialog-hint")

    def on_mount(self) -> None:
        field = self.query_one(PathInput)
        field.focus()
        field.cursor_position = len(field.value)

    @on(PathInput.Submitted)
    def _submitted(self, event: PathInput.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BrowseScreen(ModalScreen[Path | None]):
    """Pick a file from a folder tree: arrows move, Enter opens, Backspace goes up."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="browse.cancel"),
        Binding("backspace", "parent", "Up a folder", id="browse.parent",
                tooltip="Show the parent folder"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self._folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-tall"):
            yield Label("Pick a WEBFAKT file: Enter opens, Backspace goes up, Escape cancels.",
                        markup=False, classes="dialog-hint")
            yield DirectoryTree(self._folder, id="browse-tree")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(Path(event.path))

    def action_parent(self) -> None:
        tree = self.query_one(DirectoryTree)
        current = Path(tree.path)
        if current.parent != current:
            tree.path = current.parent

    def action_cancel(self) -> None:
        self.dismiss(None)


class DetailScreen(ModalScreen[None]):
    """The full detail of one row (raw line, every field), scrollable."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape,enter,q,d", "close", "Close", id="detail.close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-tall", id="detail-box"):
            yield Static(Text(safe_text(self._text)))

    def on_mount(self) -> None:
        self.query_one("#detail-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)


BATCH_COLUMNS = [
    Column("batch", "Batch", 20),
    Column("kind", "Kind", 8),
    Column("status", "Status", 7),
    Column("count", "Rows", 8, align_right=True),
    Column("source", "Source"),
]


def batch_row(doc: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """Table cells for one batch record."""
    counts = doc.get("counts") or {}
    count = counts.get("committed", counts.get("accepted", sum(
        v for v in counts.values() if isinstance(v, int))))
    return (str(doc.get("batch_id", "")), str(doc.get("kind", "")), str(doc.get("status", "")),
            f"{count:,}" if isinstance(count, int) else str(count),
            Path(str(doc.get("source", ""))).name)


class BatchesScreen(ModalScreen[None]):
    """Import batches, newest first; u undoes the highlighted batch when the core allows it
    (``batches.can_undo``)."""

    DEFAULT_CSS = DIALOG_CSS + """
    BatchesScreen VirtualTable { height: 1fr; }
    BatchesScreen #batches-detail { height: 3; }
    """
    BINDINGS = [
        Binding("u", "undo", "Undo batch", id="batches.undo",
                tooltip="Remove exactly the services of the highlighted WEBFAKT batch"),
        Binding("r", "reload", "Reload", id="batches.reload", show=False),
        Binding("escape,q", "close", "Close", id="batches.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._batches: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-tall"):
            yield Label("Import batches (newest first). u undoes a WEBFAKT batch, Escape "
                        "closes.", markup=False, classes="dialog-hint")
            yield VirtualTable(BATCH_COLUMNS, id="batches-table")
            yield Static("", id="batches-detail")

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="webfakt-batches")
    def _load(self) -> None:
        docs = [doc for _id, doc in list_batches(self.app.workspace.snapshot())]  # type: ignore[attr-defined]
        self.app.call_from_thread(self._loaded, docs)

    def _loaded(self, docs: list[dict[str, Any]]) -> None:
        self._batches = docs
        table = self.query_one(VirtualTable)
        table.set_source(ListSource(
            [batch_row(d) for d in docs],
            ["muted" if d.get("status") == "undone" else None for d in docs],
        ), keep_cursor=True)
        if not docs:
            self.query_one("#batches-detail", Static).update(Text("No batches yet."))

    @on(VirtualTable.RowHighlighted, "#batches-table")
    def _highlight(self, event: VirtualTable.RowHighlighted) -> None:
        if not 0 <= event.index < len(self._batches):
            return
        doc = self._batches[event.index]
        counts = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                           for k, v in (doc.get("counts") or {}).items())
        text = (f"{doc.get('batch_id', '')} · {doc.get('created', '')} · "
                f"{doc.get('status', '')}\n{doc.get('source', '')}\n{counts}")
        self.query_one("#batches-detail", Static).update(Text(safe_text(text)))

    def _highlighted(self) -> dict[str, Any] | None:
        index = self.query_one(VirtualTable).cursor_row
        return self._batches[index] if 0 <= index < len(self._batches) else None

    def action_undo(self) -> None:
        doc = self._highlighted()
        if doc is None:
            return
        refusal = can_undo(doc)
        if refusal is not None:
            self.notify(safe_text(refusal), severity="warning", markup=False)
            return
        batch_id = str(doc.get("batch_id", ""))
        count = batch_row(doc)[3]
        self.app.push_screen(
            ConfirmDialog(f"Undo batch {batch_id}? Its {count} imported services will be "
                          "removed from the workspace.", yes="Undo"),
            lambda yes: self._undo(batch_id) if yes else None,
        )

    @work(thread=True, exclusive=True, group="webfakt-undo")
    def _undo(self, batch_id: str) -> None:
        try:
            result = undo_batch(self.app.workspace, batch_id)  # type: ignore[attr-defined]
        except MwtuiError as exc:
            self.app.call_from_thread(self.notify, safe_text(str(exc)), severity="error",
                                      markup=False)
            return
        removed = sum(result.removed.values())
        self.app.call_from_thread(
            self.notify, f"Batch {safe_text(batch_id)} undone: {removed:,} services removed.",
            markup=False,
        )
        self.app.call_from_thread(self.action_reload)

    def action_close(self) -> None:
        self.dismiss(None)
