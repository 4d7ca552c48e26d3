"""A path Input whose Tab completes from the filesystem (Textual's suggester API)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from mwtui.i18n import N_, ngettext
from mwtui.i18n import formats as fmt
from mwtui.widgets.translated import TranslatedBindings
from mwtui.workspace.text import safe_text


def _common_prefix(names: list[str]) -> str:
    """The longest text every name starts with (character-wise, as a shell completes)."""
    first, last = min(names), max(names)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]


def typed_path(value: str) -> str:
    """What the operator means by ``value`` in a prefilled path field.

    As in many file prompts, typing ``/`` or ``~/`` after the prefilled folder starts over:
    ``/work/main//tmp/x.csv`` means ``/tmp/x.csv`` and ``/work/main/~/x.csv`` means ``~/x.csv``.
    """
    value = value.strip()
    restart = max(value.rfind("//"), value.rfind(os.sep + "~" + os.sep))
    return value[restart + 1:] if restart >= 0 else value


def path_candidates(value: str) -> tuple[str | None, list[str]]:
    """Complete ``value`` from the folder it names: (completion or None, matching names).

    One match completes fully (folders get a trailing ``/``); several matches complete to
    their longest common prefix. ``~`` is expanded for the lookup and kept in the result.
    Hidden entries are listed only when the typed name starts with a dot.
    """
    value = typed_path(value)
    if not value:
        return None, []
    expanded = os.path.expanduser(value)
    head, sep, stem = expanded.rpartition(os.sep)
    folder = Path((head or os.sep) if sep else ".")
    try:
        names = sorted(
            entry.name + (os.sep if entry.is_dir() else "")
            for entry in os.scandir(folder)
            if entry.name.startswith(stem) and (stem.startswith(".") or
                                                not entry.name.startswith("."))
        )
    except OSError:
        return None, []
    if not names:
        return None, []
    common = _common_prefix(names)
    if len(common) <= len(stem):
        return None, names
    completed = expanded[: len(expanded) - len(stem)] + common
    if expanded != value:  # keep the operator's "~"
        home = os.path.expanduser("~")
        completed = "~" + completed[len(home):]
    return completed, names


def complete_path(value: str) -> str | None:
    """The completion of ``value`` (see :func:`path_candidates`), or None."""
    return path_candidates(value)[0]


class PathSuggester(Suggester):
    """Suggests the completion of a path; the folder listing runs off the event loop."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


class PathInput(TranslatedBindings, Input):
    """Input for a file path: Tab accepts the grey completion, else moves focus on."""

    BINDINGS = [
        Binding("tab", "complete", N_("Complete"), show=False, id="path.complete",
                tooltip=N_("Complete the path from the folder's entries")),
    ]

    def __init__(self, value: str = "", **kwargs: object) -> None:
        super().__init__(value, suggester=PathSuggester(), **kwargs)  # type: ignore[arg-type]

    async def action_complete(self) -> None:
        """Complete the path; list the choices when several fit; else move focus on."""
        completion, names = await asyncio.to_thread(path_candidates, self.value)
        if completion and completion != self.value:
            self.value = completion
            self.cursor_position = len(self.value)
        elif len(names) > 1:
            shown = "  ".join(names[:12]) + ("  ..." if len(names) > 12 else "")
            title = ngettext("{n} match", "{n} matches", len(names)).format(
                n=fmt.count(len(names)))
            self.notify(safe_text(shown), title=title, timeout=4, markup=False)
        else:
            self.screen.focus_next()
