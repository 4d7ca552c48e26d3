"""Translation and locale formatting for mwtui (no Textual import here).

Use::

    from mwtui.i18n import _, N_, ngettext

    TITLE = N_("Customers")            # import time: marked, not translated
    self.title = _(TITLE)               # use time: translated into the current language
    _("Imported {count} orders").format(count=fmt.count(n))

See docs/I18N.md. English message ids are the English text.
"""

from mwtui.i18n.catalog import (
    LANGUAGES,
    N_,
    _,
    current_language,
    current_region,
    current_timezone,
    ngettext,
    pgettext,
    reset,
    set_language,
    set_region,
    set_timezone,
    using_language,
)
from mwtui.i18n.setup import setup_language

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "current_language",
    "current_region",
    "current_timezone",
    "ngettext",
    "pgettext",
    "reset",
    "set_language",
    "set_region",
    "set_timezone",
    "setup_language",
    "using_language",
]
