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

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.path_input import PathInput
from mwtui.widgets.translated import TranslatedBindings
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
.dialog-hint { color: $text-muted; height: auto; width: 100%; }
"""


class PathPromptScreen(TranslatedBindings, ModalScreen[Path | None]):
    """Ask for a file path (Tab completes). Enter accepts, Escape cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="prompt.cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self._question = question
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._question, markup=False)
            yield PathInput(safe_text(self._default, one_line=True), id="prompt-path")
            yield Label(_("Enter writes, Tab completes, Escape cancels."), classes="dialog-hint",
                        markup=False)

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


class BrowseScreen(TranslatedBindings, ModalScreen[Path | None]):
    """Pick a file from a folder tree: arrows move, Enter opens, Backspace goes up."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="browse.cancel"),
        Binding("backspace", "parent", N_("Up a folder"), id="browse.parent",
                tooltip=N_("Show the parent folder")),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self._folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-tall"):
            yield Label(_("Pick a WEBFAKT file: Enter opens, Backspace goes up, Escape "
                          "cancels."), markup=False, classes="dialog-hint")
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


class DetailScreen(TranslatedBindings, ModalScreen[None]):
    """The full detail of one row (raw line, every field), scrollable."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape,enter,q,d", "close", N_("Close"), id="detail.close")]

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


BATCH_COLUMNS = [  # labels translated at display
    Column("batch", N_("Batch"), 20),
    Column("kind", N_("Kind"), 9),
    Column("status", N_("Status"), 11),
    Column("count", N_("Rows"), 8, align_right=True),
    Column("source", N_("Source")),
]

#: Batch statuses as the operator reads them (unknown ones are shown as stored).
BATCH_STATUS = {"done": N_("done"), "committed": N_("committed"), "undone": N_("undone")}
#: Batch kinds (the importer's name); counts keys of the batch record.
BATCH_COUNTS = {"committed": N_("committed"), "accepted": N_("accepted"),
                "rejected": N_("rejected"), "already_imported": N_("already imported"),
                "created": N_("created"), "updated": N_("updated"),
                "unchanged": N_("unchanged"), "rows": N_("rows")}


def batch_row(doc: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """Table cells for one batch record."""
    counts = doc.get("counts") or {}
    count = counts.get("committed", counts.get("accepted", sum(
        v for v in counts.values() if isinstance(v, int))))
    status = str(doc.get("status", ""))
    return (str(doc.get("batch_id", "")), str(doc.get("kind", "")),
            _(BATCH_STATUS[status]) if status in BATCH_STATUS else status,
            fmt.count(count) if isinstance(count, int) else str(count),
            Path(str(doc.get("source", ""))).name)


def batch_detail(doc: dict[str, Any]) -> str:
    """Three lines about one batch: id, time, status; source; counts."""
    counts = ", ".join(
        f"{_(BATCH_COUNTS[k]) if k in BATCH_COUNTS else k} "
        f"{fmt.count(v) if isinstance(v, int) else v}"
        for k, v in (doc.get("counts") or {}).items())
    status = str(doc.get("status", ""))
    return (f"{doc.get('batch_id', '')} · {fmt.datetime_(doc.get('created', ''))} · "
            f"{_(BATCH_STATUS[status]) if status in BATCH_STATUS else status}\n"
            f"{doc.get('source', '')}\n{counts}")


class BatchesScreen(TranslatedBindings, ModalScreen[None]):
    """Import batches, newest first; u undoes the highlighted batch when the core allows it
    (``batches.can_undo``)."""

    DEFAULT_CSS = DIALOG_CSS + """
    BatchesScreen VirtualTable { height: 1fr; }
    BatchesScreen #batches-detail { height: 3; }
    """
    BINDINGS = [
        Binding("u", "undo", N_("Undo batch"), id="batches.undo",
                tooltip=N_("Remove exactly the services of the highlighted WEBFAKT batch")),
        Binding("r", "reload", N_("Reload"), id="batches.reload", show=False),
        Binding("escape,q", "close", N_("Close"), id="batches.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._batches: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-tall"):
            yield Label(_("Import batches (newest first). u undoes a WEBFAKT batch, Escape "
                          "closes."), markup=False, classes="dialog-hint")
            yield VirtualTable([Column(c.key, _(c.label), c.width, c.align_right)
                                for c in BATCH_COLUMNS], id="batches-table")
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
            self.query_one("#batches-detail", Static).update(Text(_("No batches yet.")))

    @on(VirtualTable.RowHighlighted, "#batches-table")
    def _highlight(self, event: VirtualTable.RowHighlighted) -> None:
        if not 0 <= event.index < len(self._batches):
            return
        text = batch_detail(self._batches[event.index])
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
            ConfirmDialog(_("Undo batch {batch}? Its {n} imported services will be removed "
                            "from the workspace.").format(batch=batch_id, n=count),
                          yes=_("Undo")),
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
            self.notify, _("Batch {batch} undone: {n} services removed.").format(
                batch=safe_text(batch_id), n=fmt.count(removed)),
            markup=False,
        )
        self.app.call_from_thread(self.action_reload)

    def action_close(self) -> None:
        self.dismiss(None)
