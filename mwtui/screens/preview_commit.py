"""Commit and rejects export of the WEBFAKT preview: confirm, run in a worker, report.

The base class of :class:`~mwtui.screens.preview.PreviewScreen`: it uses the screen's checked
``result``, ``summary`` and ``path``, its status line and its re-check action.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.screen import Screen

from mwtui.i18n import _
from mwtui.i18n import formats as fmt
from mwtui.importers import webfakt
from mwtui.screens.preview_dialogs import PathPromptScreen
from mwtui.screens.preview_presenter import Summary
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.workspace.errors import MwtuiError
from mwtui.workspace.text import safe_text


class CommitExportScreen(Screen[None]):
    """Keys ``c`` (commit the accepted rows) and ``e`` (export the rejected rows)."""

    result: webfakt.CheckResult | None
    summary: Summary | None
    path: Path | None
    _committing: bool = False
    _committed: bool = False

    def _status(self, text: str) -> None:  # the screen's status line
        raise NotImplementedError

    def action_recheck(self) -> None:
        raise NotImplementedError

    # -- commit ----------------------------------------------------------------------
    def action_commit(self) -> None:
        if self.result is None or self.summary is None or self.path is None:
            return
        if self._committing:
            self.notify(_("A commit is already running."), timeout=3)
            return
        if self.summary.accepted == 0:
            self.notify(_("No accepted rows: nothing to commit."), severity="warning")
            return
        question = _(
            "Commit {accepted} accepted rows as one batch? {rejected} rejected rows will not "
            "be imported.\n\nFile: {path}").format(
            accepted=fmt.count(self.summary.accepted),
            rejected=fmt.count(self.summary.rejected), path=self.path)
        result, path = self.result, self.path
        self.app.push_screen(ConfirmDialog(question, yes=_("Commit")),
                             lambda yes: self._start_commit(result, path) if yes else None)

    def _start_commit(self, result: webfakt.CheckResult, path: Path) -> None:
        self._committing = True
        self._status(_("Committing ..."))
        self._commit(result, path)

    @work(thread=True, exclusive=True, group="webfakt-commit")
    def _commit(self, result: webfakt.CheckResult, path: Path) -> None:
        try:
            outcome = webfakt.commit(self.app.workspace, result, path)  # type: ignore[attr-defined]
        except MwtuiError as exc:
            self.app.call_from_thread(self._commit_refused, str(exc))
            return
        except Exception as exc:  # shown to the operator
            self.app.call_from_thread(self._commit_refused, _("Commit failed: {error}").format(
                error=f"{type(exc).__name__}: {exc}"))
            return
        self.app.call_from_thread(self._commit_done, outcome)

    def _commit_done(self, outcome: webfakt.CommitResult) -> None:
        self._committing = False
        self._committed = True
        self.refresh_bindings()
        if outcome.batch_id is None:
            text = _("Nothing new to commit: {n} rows were already imported.").format(
                n=fmt.count(outcome.already_imported))
            self.notify(text, severity="warning", markup=False)
        else:
            text = _("Committed {n} rows as batch {batch}.").format(
                n=fmt.count(outcome.committed), batch=outcome.batch_id)
            if outcome.already_imported:
                text += " " + _("{n} already imported rows skipped.").format(
                    n=fmt.count(outcome.already_imported))
            self.notify(safe_text(text), title=_("WEBFAKT import"), markup=False, timeout=10)
        hint = " " + _("b shows batches (undo), r re-checks.")
        fits = len(text) + len(hint) <= self.size.width - 2
        self._status(text + hint if fits else text)

    def _commit_refused(self, text: str) -> None:
        self._committing = False
        self._status(text)
        self.app.push_screen(
            ConfirmDialog(_("{error}\n\nCheck the file again now?").format(error=text),
                          yes=_("Re-check")),
            lambda yes: self.action_recheck() if yes else None,
        )

    # -- export ----------------------------------------------------------------------
    def action_export(self) -> None:
        if self.result is None or self.summary is None or self.path is None:
            return
        if self.summary.rejected == 0:
            self.notify(_("No rejected rows to export."), timeout=3)
            return
        default = self.path.with_name(self.path.stem + ".rejects.csv")
        self.app.push_screen(
            PathPromptScreen(_("Write the {n} rejected rows to:").format(
                n=fmt.count(self.summary.rejected)), str(default)),
            self._export_target,
        )

    def _export_target(self, target: Path | None) -> None:
        if target is None or self.result is None:
            return
        if self.path is not None and target.resolve() == self.path.resolve():
            self.notify(_("That is the checked file itself; pick another name."),
                        severity="error")
            return
        result = self.result
        if target.exists():
            self.app.push_screen(
                ConfirmDialog(_("{path} exists. Overwrite it?").format(path=target),
                              yes=_("Overwrite")),
                lambda yes: self._export(result, target) if yes else None,
            )
        else:
            self._export(result, target)

    @work(thread=True, exclusive=True, group="webfakt-export")
    def _export(self, result: webfakt.CheckResult, target: Path) -> None:
        try:
            written = webfakt.export_rejects(result, target)
        except (OSError, MwtuiError) as exc:
            self.app.call_from_thread(
                self.notify, safe_text(_("Export failed: {error}").format(error=exc)),
                severity="error", markup=False)
            return
        text = safe_text(_("Wrote {n} rejected rows to {path}.").format(
            n=fmt.count(written), path=target))
        self.app.call_from_thread(self.notify, text, markup=False)
        self.app.call_from_thread(self._status, text)
