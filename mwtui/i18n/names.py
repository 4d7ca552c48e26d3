"""Names that must be found in both languages (command-palette commands).

``bilingual(N_("Import orders"))`` is a ``str`` holding the current language's text
(``"Aufträge importieren"``) that also remembers its English form (``.english``). The
palette provider in :mod:`mwtui.widgets.translated` matches the query against both.
"""

from __future__ import annotations

from mwtui.i18n.catalog import _


class Bilingual(str):
    """Text in the current language that remembers its English form."""

    english: str

    def __new__(cls, text: str, english: str) -> Bilingual:
        obj = super().__new__(cls, text)
        obj.english = english
        return obj


def bilingual(msgid: str, /, **fields: object) -> Bilingual:
    """Translate ``msgid`` now and keep the English too; ``fields`` fill ``{name}``
    placeholders (a :class:`Bilingual` field gives its English form to the English text):
    ``bilingual(N_("Go to {title}"), title=bilingual(N_("Customers")))``."""
    local = _(msgid).format(**{name: str(value) for name, value in fields.items()})
    english = msgid.format(**{name: english_of(value) for name, value in fields.items()})
    return Bilingual(local, english)


def english_of(text: object) -> str:
    """The English form of a :class:`Bilingual`, else the text itself (a msgid)."""
    return text.english if isinstance(text, Bilingual) else str(text)


def shown(text: str) -> str:
    """What to display: a :class:`Bilingual` as it is; a plain string is taken as a msgid
    and translated now (Textual's own commands such as "Quit the application")."""
    return str(text) if isinstance(text, Bilingual) else _(text)


def names_of(text: str) -> tuple[str, ...]:
    """The displayed name and, when different, the English one."""
    local, english = shown(text), english_of(text)
    return (local,) if local == english else (local, english)
