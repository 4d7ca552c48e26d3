"""Activities screen (being built; replaced by the full screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class ActivitiesScreen(Screen[None]):
    """Placeholder until the full screen lands."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Activities", classes="screen-title")
        yield Footer()
