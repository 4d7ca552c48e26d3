"""Detail of one activity: customer, fields, local fields, attachments (copy a path)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from mwtui.screens.activities_presenter import ActivityDetail, activity_detail, format_size
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text


def detail_text(detail: ActivityDetail) -> Text:
    """Customer, fields and local fields as plain (never markup) text."""
    text = Text()
    text.append("Customer\n", style="bold")
    for line in detail.customer_lines:
        text.append("  " + safe_text(line, one_line=True) + "\n")
    text.append("Fields\n", style="bold")
    for label, value in detail.fields:
        text.append(f"  {label + ':':<11} " + safe_text(value, one_line=True) + "\n")
    text.append("Local fields (kept on re-import)\n", style="bold")
    if detail.local:
        for label, value in detail.local:
            text.append("  " + safe_text(f"{label}: {value}", one_line=True) + "\n")
    else:
        text.append("  -\n")
    return text


def attachment_prompt(name: str, size: int, path: str, remote: str, exists: bool) -> Text:
    """One attachment line: size, remote name, and the path on disk."""
    label = remote or name
    missing = "" if exists else "  (file missing)"
    return Text(safe_text(f"{format_size(size):>9}  {label}{missing}\n           {path}",
                          one_line=False))


class ActivityDetailScreen(ModalScreen[None]):
    """A modal with everything about one activity. c copies the attachment path."""

    DEFAULT_CSS = """
    ActivityDetailScreen { align: center middle; }
    ActivityDetailScreen > #detail-box {
        width: 100; max-width: 100%; height: 100%; max-height: 40;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ActivityDetailScreen #detail-scroll { height: 1fr; }
    ActivityDetailScreen #detail-attachments { height: auto; max-height: 6; }
    ActivityDetailScreen.-no-attachments #detail-attachments { display: none; }
    ActivityDetailScreen .hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("c", "copy_path", "Copy path", id="detail.copy",
                tooltip="Copy the highlighted attachment's path to the clipboard (OSC 52)"),
        Binding("escape,q", "close", "Close", id="detail.close", tooltip="Back to the table"),
    ]

    def __init__(self, activity_id: int = 0, snapshot: Snapshot | None = None,
                 attachments_dir: Path | None = None) -> None:
        super().__init__()
        self.set_activity(activity_id, snapshot, attachments_dir)

    def set_activity(self, activity_id: int, snapshot: Snapshot | None = None,
                     attachments_dir: Path | None = None) -> None:
        """Show another activity the next time this (reusable) screen is shown."""
        self.activity_id = activity_id
        self.detail: ActivityDetail | None = None
        self._snapshot = snapshot
        self._attachments_dir = attachments_dir

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box"):
            yield Label("Loading ...", id="detail-title", classes="screen-title", markup=False)
            with VerticalScroll(id="detail-scroll"):
                yield Static("", id="detail-body")
            yield Label("Attachments", id="detail-att-label", markup=False)
            yield OptionList(id="detail-attachments", markup=False)
            yield Label("c copy path  Escape close", classes="hint", markup=False)

    def on_screen_resume(self) -> None:
        if self.detail is not None and self.detail.id == self.activity_id:
            return
        self.query_one("#detail-title", Label).update("Loading ...")
        if self._snapshot is not None:  # already in memory: a dict look-up, no disk read
            self._show(activity_detail(self._snapshot, self.activity_id,
                                       self._attachments_dir))
        else:
            self._load()

    @work(thread=True, exclusive=True, group="activity-detail")
    def _load(self) -> None:
        workspace = self.app.workspace
        try:
            detail = activity_detail(workspace.snapshot(), self.activity_id,
                                     workspace.attachments_dir)
        except Exception as err:
            self.app.call_from_thread(self.notify, safe_text(str(err), one_line=True),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: ActivityDetail | None) -> None:
        self.detail = detail
        title = self.query_one("#detail-title", Label)
        if detail is None:
            title.update("This activity no longer exists (reload the table).")
            return
        title.update(safe_text(f"{detail.number}  {detail.title}", one_line=True))
        self.query_one("#detail-body", Static).update(detail_text(detail))
        options = self.query_one("#detail-attachments", OptionList)
        options.clear_options()
        self.set_class(not detail.attachments, "-no-attachments")
        if detail.attachments:
            options.add_options([
                Option(attachment_prompt(a.name, a.size, a.path, a.remote_name, a.exists))
                for a in detail.attachments
            ])
            options.highlighted = 0
            options.focus()
        self.query_one("#detail-att-label", Label).update(
            f"Attachments ({len(detail.attachments)})" if detail.attachments
            else "Attachments: none")

    def selected_path(self) -> str | None:
        """The path of the highlighted attachment (the first one if none is highlighted)."""
        if self.detail is None or not self.detail.attachments:
            return None
        index = self.query_one("#detail-attachments", OptionList).highlighted or 0
        index = min(max(0, index), len(self.detail.attachments) - 1)
        return self.detail.attachments[index].path

    def action_copy_path(self) -> None:
        path = self.selected_path()
        if not path:
            self.notify("This activity has no attachment to copy.", severity="warning",
                        markup=False)
            return
        self.app.copy_to_clipboard(path)
        self.notify(safe_text(f"Copied to the clipboard: {path}", one_line=True), markup=False,
                    timeout=4)

    @on(OptionList.OptionSelected, "#detail-attachments")
    def _selected(self) -> None:
        self.action_copy_path()

    def action_close(self) -> None:
        self.dismiss(None)
