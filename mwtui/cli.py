"""Command line: ``mwtui`` starts the TUI; subcommands run the same core headless.

Exit codes: 0 success, 1 failure, 2 usage error. Errors are one sentence on stderr; the
traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mwtui import __version__
from mwtui.i18n import _, ngettext
from mwtui.workspace.backends import is_database_url, open_workspace, workspace_target
from mwtui.workspace.config import Config
from mwtui.workspace.errors import MwtuiError, UsageError
from mwtui.workspace.models import set_origin
from mwtui.workspace.store import Workspace

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


@dataclass
class CliContext:
    """What a subcommand needs: parsed args, and the workspace and config on demand."""

    args: argparse.Namespace
    _workspace: Workspace | None = field(default=None, repr=False)
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = Config.load()
        return self._config

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            target = workspace_target(self.args.db, self.config.raw.get("db"))
            self._workspace = open_workspace(target)
        return self._workspace

    def out(self, text: str = "") -> None:
        print(text, file=sys.stdout)


class _Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and a one-line message for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"mwtui: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _NotQuick(Exception):
    """The quick parse cannot tell: let the full parser answer (and word any error)."""


class _QuickParser(_Parser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotQuick(message)


def use_our_translations_in_argparse() -> None:
    """argparse looks its own words ("usage:", "options", errors) up through the module
    globals ``_`` and ``ngettext`` (stdlib gettext, domain "argparse"); point them at our
    catalogue, which has German entries for them (``cli.po``)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The parser in the current language (call ``setup_language`` first); without
    ``commands`` only the global options (no command module is imported)."""
    use_our_translations_in_argparse()
    parser = (_Parser if commands else _QuickParser)(
        prog="mwtui",
        description=_("Bring contacts, orders and WEBFAKT service lists into one "
                      "workspace."),
        epilog=_("Without a command, mwtui opens the terminal UI on your workspace."),
    )
    parser.add_argument("--version", action="version", version=f"mwtui {__version__}",
                        help=_("show the version and exit"))
    parser.add_argument("--db", metavar="PATH", help=_(
        "workspace file (default: MWTUI_DB or the user data folder)"))
    parser.add_argument("--demo", action="store_true", help=_(
        "open the demo: in a temporary folder, or seeded into a new or empty --db PATH "
        "(kept)"))
    parser.add_argument("--keep", action="store_true", help=_(
        "with --demo: keep the temporary demo folder after exit and print where it is"))
    parser.add_argument("--theme", metavar="NAME",
                        help=_("UI theme, e.g. textual-dark, textual-light, ansi-dark"))
    parser.add_argument("--lang", choices=("de", "en"), help=_(
        "language of the interface (default: language in config.toml, then the locale)"))
    parser.add_argument("--debug", action="store_true",
                        help=_("log debug output to stderr and show tracebacks"))
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)
    from mwtui.commands import register_all

    register_all(sub)
    return parser


def _demo_workspace(args: argparse.Namespace) -> tuple[Workspace, Path | None]:
    """The demo workspace and the temporary folder to remove on exit (None: keep it)."""
    from mwtui.demo.workspace import (
        create_demo_workspace,
        is_empty_workspace,
        seed_demo_workspace,
    )

    if args.db:
        path = Path(args.db).expanduser()
        if not is_empty_workspace(path):
            raise UsageError(_("{path} already holds a workspace with data; the demo only "
                               "fills a new or empty one.").format(path=path))
        return seed_demo_workspace(path), None
    workspace = create_demo_workspace()
    return workspace, None if args.keep else workspace.path.parent


def run_tui(args: argparse.Namespace) -> int:
    """Start the Textual app (imported here so that headless commands never load it)."""
    from mwtui.app import MwtuiApp

    config = Config.load()
    temporary: Path | None = None
    if args.demo:
        workspace, temporary = _demo_workspace(args)
    else:
        # The file is read (and checked) by the first screen's worker, after the first
        # paint; a corrupt file is reported there and never written over.
        target = workspace_target(args.db, config.raw.get("db"))
        if is_database_url(target):
            workspace = open_workspace(target)
        else:
            workspace = Workspace(target)
            if not workspace.path.exists():
                workspace.create()
    try:
        app = MwtuiApp(workspace=workspace, config=config, theme=args.theme, demo=args.demo)
        app.run(mouse=False)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    if args.demo and temporary is None:
        print(_("The demo workspace is kept at {path}").format(path=workspace.path))
    return app.return_code or 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; a start of the terminal UI (global options only) is parsed
    without importing the command modules. Anything else goes to the full parser."""
    words = sys.argv[1:] if argv is None else list(argv)
    if not {"-h", "--help"} & set(words):
        try:
            args, rest = build_parser(commands=False).parse_known_args(words)
        except _NotQuick:
            rest = words
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(words)


def main(argv: Sequence[str] | None = None) -> int:
    from mwtui.i18n import setup_language

    setup_language(sys.argv[1:] if argv is None else argv)  # before the parser: --help
    set_origin("cli")  # batches of this process: run from the command line (audit trail)
    args = parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command is None:
            return run_tui(args)
        return int(args.func(CliContext(args)) or 0)
    except UsageError as err:
        print(f"mwtui: {err}", file=sys.stderr)
        return EXIT_USAGE
    except MwtuiError as err:
        if args.debug:
            traceback.print_exc()
        print(f"mwtui: {err}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("mwtui: " + _("cancelled; nothing half-written was kept."), file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # the last line of defence: one sentence, no traceback
        if args.debug:
            traceback.print_exc()
        print("mwtui: " + _("unexpected error: {error}. Run again with --debug for "
                            "details.").format(error=f"{type(err).__name__}: {err}"),
              file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
