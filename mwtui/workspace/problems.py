"""Refusals the operator reads, translatable without the core importing mwtui.i18n.

The core raises ``Problem(TEMPLATE, field=value)`` where ``TEMPLATE`` is an English msgid
marked with :func:`N_` (Babel extracts it into the catalogue); the screen or the CLI shows
``err.text(_)`` in the operator's language; ``str(err)`` does the same once
``mwtui.i18n`` has installed its translator (:func:`install_translator`), so every place
that prints an error speaks the operator's language.
"""

from __future__ import annotations

from collections.abc import Callable

from mwtui.workspace.errors import MwtuiError, StoreError
from mwtui.workspace.text import safe_text


def N_(message: str) -> str:
    """Mark ``message`` as a msgid; it is translated where it is shown."""
    return message


_translate: Callable[[str], str] = str


def install_translator(translate: Callable[[str], str]) -> None:
    """Use ``translate`` (``mwtui.i18n._``) when a Problem is turned into text."""
    global _translate
    _translate = translate


class Problem(MwtuiError):
    """A refusal: an English msgid ``template`` with named ``fields``."""

    def __init__(self, template: str, **fields: object) -> None:
        self.template = template
        self.fields = {key: str(value) for key, value in fields.items()}
        super().__init__(template.format(**self.fields))

    def text(self, translate: Callable[[str], str]) -> str:
        """The sentence in the language of ``translate`` (e.g. ``mwtui.i18n._``), on one
        line and free of control characters."""
        return safe_text(translate(self.template).format(**self.fields), one_line=True)

    def __str__(self) -> str:
        return self.text(_translate)


class StoreProblem(Problem, StoreError):
    """A translatable refusal about the workspace on disk (caught like ``StoreError``)."""
