"""A delivery note inside the terminal: its text (scrollable, with the page count), and
saving it under its readable name into a folder the operator picks.

Text extraction (:mod:`mwtui.workspace.pdf_text`) and saving
(:mod:`mwtui.workspace.attachment_export`, shared with ``mwtui attachments export``) run in
thread workers; the screens only show the result.
"""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from mwtui.i18n import N_, _, formats, ngettext
from mwtui.widgets.path_input import PathInput, typed_path
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.attachment_export import ExportedFile, ExportError, export_file
from mwtui.workspace.pdf_text import PdfText, extract_text
from mwtui.workspace.text import safe_text


def pdf_heading(name: str, result: PdfText | None) -> str:
    """``LI-1042.pdf - 2 pages`` (or still loading)."""
    if result is None:
        return _("{name} - reading ...").format(name=name)
    if not result.pages:
        return name
    pages = ngettext("{n} page", "{n} pages", result.pages).format(n=formats.count(result.pages))
    return f"{name} - {pages}"


def pdf_body(result: PdfText) -> Text:
    """The pages' text with a line per page break, or the problem as one clear sentence."""
    if result.problem is not None:
        return Text(safe_text(_(result.problem).format(detail=result.detail)), style="bold")
    text = Text()
    for number, page in enumerate(result.texts, start=1):
        text.append(_("--- Page {n} of {total} ---").format(
            n=formats.count(number), total=formats.count(result.pages)) + "\n", style="bold")
        text.append(page.rstrip() + "\n\n")
    if result.truncated:
        text.append(_("Only the first {n} pages or 200,000 characters are shown; save the "
                      "PDF to read the rest.").format(n=formats.count(result.pages_read)),
                    style="italic")
    return text


class SaveFolderDialog(TranslatedBindings, ModalScreen[str | None]):
    """Ask where to save a file (prefilled with the last folder); Enter saves."""

    DEFAULT_CSS = """
    SaveFolderDialog { align: center middle; }
    SaveFolderDialog > Vertical {
        width: 70; max-width: 100%; height: auto; border: round $accent;
        background: $surface; padding: 0 1;
    }
    SaveFolderDialog .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="save.cancel",
                        tooltip=N_("Close without saving"))]

    def __init__(self, name: str, folder: str) -> None:
        super().__init__()
        self.file_name = name
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Save {name} into this folder:").format(name=self.file_name),
                        markup=False)
            yield PathInput(self.folder, id="save-folder")
            yield Label(_("Enter save  Tab complete  Escape cancel"), classes="hint",
                        markup=False)

    def on_mount(self) -> None:
        self.query_one("#save-folder", PathInput).focus()

    @on(PathInput.Submitted, "#save-folder")
    def _submitted(self, event: PathInput.Submitted) -> None:
        self.dismiss(typed_path(event.value) or ".")

    def action_cancel(self) -> None:
        self.dismiss(None)


class AttachmentSaver:
    """Mixin for screens that save an attachment: ``s`` asks for the folder, a worker
    copies the file (readable name, collisions numbered), then the path is copied (OSC 52)."""

    last_folder: str = ""

    def save_attachment(self, source: str, name: str) -> None:
        screen: Any = self
        folder = AttachmentSaver.last_folder or os.getcwd()

        def chosen(result: str | None) -> None:
            if result:
                AttachmentSaver.last_folder = result
                screen.run_worker(lambda: self._save(source, name, result), thread=True,
                                  group="attachment-save", exit_on_error=False)

        screen.app.push_screen(SaveFolderDialog(name, folder), chosen)

    def _save(self, source: str, name: str, folder: str) -> None:
        app = self.app  # type: ignore[attr-defined]
        try:
            saved = export_file(source, name, folder)
        except ExportError as err:
            app.call_from_thread(app.notify, err.text(_), severity="error",
                                 markup=False)
            return
        app.call_from_thread(self._saved, saved)

    def _saved(self, saved: ExportedFile) -> None:
        app = self.app  # type: ignore[attr-defined]
        app.copy_to_clipboard(saved.path)
        app.notify(safe_text(_("Saved as {path} (path copied to the clipboard)").format(
            path=saved.path), one_line=True), markup=False, timeout=6)


class PdfTextScreen(AttachmentSaver, TranslatedBindings, ModalScreen[None]):
    """The text of one PDF, scrollable. s saves it, Escape goes back."""

    DEFAULT_CSS = """
    PdfTextScreen { align: center middle; }
    PdfTextScreen > #pdf-box {
        width: 100; max-width: 100%; height: 100%; max-height: 40;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PdfTextScreen #pdf-scroll { height: 1fr; }
    PdfTextScreen .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("s", "save", N_("Save"), id="pdf.save",
                tooltip=N_("Save the PDF under its readable name into a folder")),
        Binding("escape,q", "close", N_("Close"), id="pdf.close",
                tooltip=N_("Back to the activity")),
    ]

    def __init__(self, path: str, name: str) -> None:
        super().__init__()
        self.path = path
        self.file_name = name
        self.result: PdfText | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pdf-box"):
            yield Label(pdf_heading(self.file_name, None), id="pdf-title",
                        classes="screen-title", markup=False)
            with VerticalScroll(id="pdf-scroll"):
                yield Static("", id="pdf-body")
            yield Label(_("Arrows/PgUp/PgDn scroll  s save  Escape back"), classes="hint",
                        markup=False)

    def on_mount(self) -> None:
        self.query_one("#pdf-scroll").focus()
        self._extract()

    @work(thread=True, exclusive=True, group="pdf-text")
    def _extract(self) -> None:
        result = extract_text(self.path)
        self.app.call_from_thread(self._show, result)

    def _show(self, result: PdfText) -> None:
        self.result = result
        self.query_one("#pdf-title", Label).update(pdf_heading(self.file_name, result))
        self.query_one("#pdf-body", Static).update(pdf_body(result))

    def body_text(self) -> str:
        """The text shown (for tests)."""
        return str(self.query_one("#pdf-body", Static).content)

    def action_save(self) -> None:
        self.save_attachment(self.path, self.file_name)

    def action_close(self) -> None:
        self.dismiss(None)
