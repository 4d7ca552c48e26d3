"""Detail of one activity: customer, fields, local fields, attachments (read a PDF's text,
save it under its readable name, copy its path)."""

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

from mwtui.i18n import N_, _
from mwtui.screens.activities_presenter import (
    ActivityDetail,
    AttachmentInfo,
    activity_detail,
    format_size,
)
from mwtui.screens.pdf_view import AttachmentSaver, PdfTextScreen
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.store import Snapshot
from mwtui.workspace.text import safe_text


def detail_text(detail: ActivityDetail) -> Text:
    """Customer, fields and local fields as plain (never markup) text."""
    text = Text()
    text.append(_("Customer") + "\n", style="bold")
    for line in detail.customer_lines:
        text.append("  " + safe_text(line, one_line=True) + "\n")
    text.append(_("Fields") + "\n", style="bold")
    width = max((len(label) for label, _value in detail.fields), default=10) + 1
    for label, value in detail.fields:
        text.append(f"  {label + ':':<{width}} " + safe_text(value, one_line=True) + "\n")
    text.append(_("Local fields (kept on re-import)") + "\n", style="bold")
    if detail.local:
        for label, value in detail.local:
            text.append("  " + safe_text(f"{label}: {value}", one_line=True) + "\n")
    else:
        text.append("  -\n")
    return text


def attachment_prompt(att: AttachmentInfo) -> Text:
    """One attachment line: size, readable name, and the path on disk."""
    label = att.readable or att.remote_name or att.name
    missing = "" if att.exists else "  " + _("(file missing)")
    return Text(safe_text(f"{format_size(att.size):>9}  {label}{missing}", one_line=True)
                + "\n           " + safe_text(att.path, one_line=True))


class ActivityDetailScreen(AttachmentSaver, TranslatedBindings, ModalScreen[None]):
    """A modal with everything about one activity. Enter reads the highlighted PDF,
    s saves it under its readable name, c copies its path."""

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
        Binding("v", "view_text", N_("Read"), id="detail.view",
                tooltip=N_("Show the text of the highlighted PDF (also Enter)")),
        Binding("s", "save", N_("Save"), id="detail.save",
                tooltip=N_("Save the highlighted PDF under its readable name into a folder")),
        Binding("c", "copy_path", N_("Copy path"), id="detail.copy",
                tooltip=N_("Copy the highlighted attachment's path to the clipboard (OSC 52)")),
        Binding("escape,q", "close", N_("Close"), id="detail.close",
                tooltip=N_("Back to the table")),
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
            yield Label(_("Loading ..."), id="detail-title", classes="screen-title",
                        markup=False)
            with VerticalScroll(id="detail-scroll"):
                yield Static("", id="detail-body")
            yield Label(_("Attachments"), id="detail-att-label", markup=False)
            yield OptionList(id="detail-attachments", markup=False)
            yield Label(_("Enter/v read PDF  s save as  c copy path  Escape close"),
                        classes="hint", markup=False)

    def on_screen_resume(self) -> None:
        if self.detail is not None and self.detail.id == self.activity_id:
            return
        self.query_one("#detail-title", Label).update(_("Loading ..."))
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
            title.update(_("This activity no longer exists (reload the table)."))
            return
        title.update(safe_text(f"{detail.number}  {detail.title}", one_line=True))
        self.query_one("#detail-body", Static).update(detail_text(detail))
        options = self.query_one("#detail-attachments", OptionList)
        options.clear_options()
        self.set_class(not detail.attachments, "-no-attachments")
        if detail.attachments:
            options.add_options([Option(attachment_prompt(a)) for a in detail.attachments])
            options.highlighted = 0
            options.focus()
        self.query_one("#detail-att-label", Label).update(
            _("Attachments ({n})").format(n=len(detail.attachments)) if detail.attachments
            else _("Attachments: none"))

    def selected(self) -> AttachmentInfo | None:
        """The highlighted attachment (the first one if none is highlighted)."""
        if self.detail is None or not self.detail.attachments:
            return None
        index = self.query_one("#detail-attachments", OptionList).highlighted or 0
        return self.detail.attachments[min(max(0, index), len(self.detail.attachments) - 1)]

    def selected_path(self) -> str | None:
        """The path of the highlighted attachment."""
        att = self.selected()
        return att.path if att is not None and att.path else None

    def _need_attachment(self) -> AttachmentInfo | None:
        att = self.selected()
        if att is None or not att.path:
            self.notify(_("This activity has no attachment."), severity="warning",
                        markup=False)
            return None
        return att

    def action_copy_path(self) -> None:
        att = self._need_attachment()
        if att is not None:
            self.app.copy_to_clipboard(att.path)
            self.notify(safe_text(_("Copied to the clipboard: {path}").format(path=att.path),
                                  one_line=True), markup=False, timeout=4)

    def action_view_text(self) -> None:
        att = self._need_attachment()
        if att is not None:
            self.app.push_screen(PdfTextScreen(att.path, att.readable or att.name))

    def action_save(self) -> None:
        att = self._need_attachment()
        if att is not None:
            self.save_attachment(att.path, att.readable or att.name)

    @on(OptionList.OptionSelected, "#detail-attachments")
    def _selected(self) -> None:
        self.action_view_text()

    def action_close(self) -> None:
        self.dismiss(None)
