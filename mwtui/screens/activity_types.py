"""Activity types: list (default marked), add, rename, move up/down.

The default type is where imports land; renaming or moving never changes which type is the
default (``mwtui.workspace.activity_types`` never writes ``is_default``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from mwtui.i18n import N_, _
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.activity_types import (
    TypeProblem,
    TypeRow,
    add_type,
    list_types,
    move_type,
    rename_type,
)
from mwtui.workspace.text import safe_text


def error_text(err: Exception) -> str:
    """A refused change or a failure, as one line in the operator's language."""
    if isinstance(err, TypeProblem):
        return err.text(_)
    return safe_text(str(err), one_line=True)


class ActivityTypesScreen(TranslatedBindings, ModalScreen[None]):
    """Manage activity types with the keyboard."""

    DEFAULT_CSS = """
    ActivityTypesScreen { align: center middle; }
    ActivityTypesScreen > #types-box {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ActivityTypesScreen #types-list { height: auto; max-height: 12; }
    ActivityTypesScreen #types-input { display: none; }
    ActivityTypesScreen.-editing #types-input { display: block; }
    ActivityTypesScreen .hint { color: $text-muted; width: 100%; }
    """

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="types.add", tooltip=N_("Add a new activity type")),
        Binding("e,f2", "rename", N_("Rename"), id="types.rename",
                tooltip=N_("Rename the highlighted type (the default stays the default)")),
        Binding("u", "move(-1)", N_("Up"), id="types.up", tooltip=N_("Move the type up")),
        Binding("d", "move(1)", N_("Down"), id="types.down",
                tooltip=N_("Move the type down")),
        Binding("escape", "close", N_("Close"), id="types.close",
                tooltip=N_("Close (while typing a name: cancel the name)")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.types: list[TypeRow] = []
        self._editing: int | str | None = None  # "new", a type id, or None
        self._write_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        with Vertical(id="types-box"):
            yield Label(_("Activity types"), classes="screen-title", markup=False)
            yield OptionList(id="types-list", markup=False)
            yield Input(id="types-input", placeholder=_("Name, then Enter"))
            yield Label(_("* = default activity type: imports land here; it stays the "
                          "default whatever you rename or reorder."), classes="hint",
                        markup=False)
            yield Label(_("a add  e rename  u/d move  Escape close"), classes="hint",
                        markup=False)

    def on_mount(self) -> None:
        self.query_one("#types-list", OptionList).focus()
        self._reload()

    # -- data ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="types-load")
    def _reload(self) -> None:
        try:
            types = list_types(self.app.workspace.snapshot())
        except Exception as err:
            self.app.call_from_thread(self.notify, error_text(err),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, types)

    def _show(self, types: list[TypeRow], select_id: int | None = None) -> None:
        options = self.query_one("#types-list", OptionList)
        current = self.highlighted()
        keep = select_id if select_id is not None else (current.id if current else None)
        self.types = types
        options.clear_options()
        options.add_options([
            Option(Text(safe_text(f"{'*' if t.is_default else ' '} {t.name}", one_line=True)
                        + ("  " + _("(default)") if t.is_default else "")))
            for t in types
        ])
        ids = [t.id for t in types]
        if types:
            options.highlighted = ids.index(keep) if keep in ids else 0

    def highlighted(self) -> TypeRow | None:
        index = self.query_one("#types-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.types):
            return None
        return self.types[index]

    @work(thread=True, exclusive=False, group="types-write")
    def _write(self, change: Callable[[], int | None], select_id: int | None) -> None:
        # not exclusive: pressing d twice quickly must move twice, never drop a change
        try:
            with self._write_lock:
                new_id = change()
            types = list_types(self.app.workspace.snapshot())
        except Exception as err:  # one sentence for the operator; the list stays
            self.app.call_from_thread(self.notify, error_text(err),
                                      severity="error", markup=False)
            return
        select = new_id if isinstance(new_id, int) else select_id
        self.app.call_from_thread(self._show, types, select)

    # -- actions ---------------------------------------------------------------------------
    def _start_edit(self, target: int | str, value: str) -> None:
        self._editing = target
        self.add_class("-editing")
        field = self.query_one("#types-input", Input)
        field.value = value
        field.focus()

    def _end_edit(self) -> None:
        self._editing = None
        self.remove_class("-editing")
        self.query_one("#types-list", OptionList).focus()

    def action_add(self) -> None:
        self._start_edit("new", "")

    def action_rename(self) -> None:
        row = self.highlighted()
        if row is not None:
            self._start_edit(row.id, row.name)

    def action_move(self, delta: int) -> None:
        row = self.highlighted()
        if row is not None:
            workspace = self.app.workspace
            self._write(lambda: move_type(workspace, row.id, delta), row.id)

    @on(Input.Submitted, "#types-input")
    def _submitted(self, event: Input.Submitted) -> None:
        target, name = self._editing, event.value
        workspace = self.app.workspace
        self._end_edit()
        if target == "new":
            self._write(lambda: add_type(workspace, name), None)
        elif isinstance(target, int):
            self._write(lambda: rename_type(workspace, target, name), target)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("add", "rename", "move") and self._editing is not None)

    def action_close(self) -> None:
        if self._editing is not None:
            self._end_edit()
        else:
            self.dismiss(None)
