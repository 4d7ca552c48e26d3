"""Subcommands. Each module has ``register(subparsers)`` and sets ``func`` on its parser."""

from __future__ import annotations

import argparse
import importlib

MODULES: tuple[str, ...] = (
    "mwtui.commands.listing",
    "mwtui.commands.imports",
    "mwtui.commands.integrations",
    "mwtui.commands.webfakt",
    "mwtui.commands.attachments",
    "mwtui.commands.workspace",
    "mwtui.commands.sync",
)


def register_all(sub: argparse._SubParsersAction) -> None:
    for name in MODULES:
        importlib.import_module(name).register(sub)
