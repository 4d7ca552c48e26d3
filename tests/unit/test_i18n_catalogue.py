"""The German catalogue is complete, consistent and loads at run time.

Every msgid marked in ``mwtui/**/*.py`` (``_``, ``N_``, ``ngettext``, ``pgettext``,
``bilingual``) must have a non-empty, non-fuzzy German entry with the same placeholders.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import mwtui
from mwtui.i18n import N_, _, ngettext, pgettext, using_language
from mwtui.i18n.catalog import (
    catalogue_conflicts,
    clear_cache,
    compile_catalog,
    merged_catalog,
    po_files,
)

PACKAGE = Path(mwtui.__file__).resolve().parent
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "bilingual": None,
}
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]?\d*(?:\.\d+)?[sdifr%]")


def extract_msgids(root: Path) -> list[tuple[str, int, str | tuple[str, ...], str | None]]:
    """(file, line, msgid or (singular, plural), context) for every marked string."""
    found = []
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=KEYWORDS,
    ):
        if isinstance(message, tuple):
            if not message[0]:
                continue
            message = tuple(part for part in message if part)
        elif not message:
            continue
        found.append((filename, lineno, message, context))
    return found


def missing_translations(root: Path, catalog) -> list[str]:
    """Problems: a msgid without a German entry, an empty or a fuzzy one."""
    problems = []
    for filename, lineno, message, context in extract_msgids(root):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context=context)
        where = f"{filename}:{lineno} {msgid!r}"
        if entry is None:
            problems.append(f"{where}: no German entry")
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if not all(strings):
            problems.append(f"{where}: empty German entry")
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy German entry")
        if isinstance(message, tuple) and not isinstance(entry.id, tuple | list):
            problems.append(f"{where}: used with ngettext but the entry has no plural")
    return problems


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """``{name}`` fields (sorted, unique) and ``%`` conversions (in order)."""
    braces: set[str] = set()
    try:
        for _literal, field, _spec, _conv in string.Formatter().parse(text):
            if field is not None:
                braces.add(field)
    except ValueError:
        braces.add("<unbalanced braces>")
    return sorted(braces), [p for p in _PERCENT.findall(text) if p != "%%"]


def placeholder_problems(catalog) -> list[str]:
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = (message.string if isinstance(message.string, tuple | list)
                   else (message.string,))
        expected = placeholders(ids[-1])
        for text in strings:
            if text and placeholders(text) != expected:
                problems.append(f"{message.id!r} -> {text!r}: placeholders differ")
    return problems


# -- the real catalogue --------------------------------------------------------------------
def test_every_marked_string_has_a_german_entry() -> None:
    assert missing_translations(PACKAGE, merged_catalog("de")) == []


def test_no_fuzzy_entries_and_same_placeholders_in_every_po_file() -> None:
    files = po_files("de")
    assert files and any(path.name == "common.po" for path in files)
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="de", abort_invalid=True)
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert fuzzy == [], f"{path.name}: fuzzy entries {fuzzy}"
        assert placeholder_problems(catalog) == [], path.name


def test_po_files_do_not_contradict_each_other() -> None:
    assert catalogue_conflicts("de") == []


def test_glossary_terms_from_the_guide() -> None:
    with using_language("de"):
        for english, german in [
            ("Activities", "Aktivitäten"), ("Customers", "Kunden"),
            ("Integrations", "Integrationen"), ("Orders", "Aufträge"),
            ("Order confirmations", "Auftragsbestätigungen"), ("Quotes", "Angebote"),
            ("Delivery notes", "Lieferscheine"), ("Contacts", "Kontakte"),
            ("Period", "Zeitraum"), ("this week", "diese Woche"), ("Services", "Leistungen"),
            ("Billing type", "Abrechnungsart"), ("half-yearly", "halbjährlich"),
            ("Batch", "Importlauf"), ("Undo", "Rückgängig machen"),
            ("Default activity type", "Standard-Aktivitätstyp"),
            ("Unknown customer", "Kunde unbekannt"), ("Quit", "Beenden"),
        ]:
            assert _(english) == german


def test_switching_language_at_run_time() -> None:
    title = N_("Customers")
    assert _(title) == "Customers"
    with using_language("de"):
        assert _(title) == "Kunden"
        assert _("Go to {title}").format(title=_(title)) == "Zu Kunden wechseln"
        assert ngettext("{n} order", "{n} orders", 1).format(n=1) == "1 Auftrag"
        assert ngettext("{n} order", "{n} orders", 5).format(n=5) == "5 Aufträge"
        assert _("Not in the catalogue") == "Not in the catalogue"
        assert _("") == ""
        assert pgettext("menu", "Quit") == "Quit"  # no entry with that context
    assert _(title) == "Customers"
    assert ngettext("{n} order", "{n} orders", 2).format(n=2) == "2 orders"


def test_catalogue_is_compiled_once_and_can_be_reloaded() -> None:
    from mwtui.i18n import catalog

    with using_language("de"):
        _("Quit")
        first = catalog.translations("de")
        assert catalog.translations("de") is first
        clear_cache()
        assert catalog.translations("de") is not first
        assert _("Quit") == "Beenden"


# -- the checks themselves catch problems --------------------------------------------------
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _po(tmp_path: Path, name: str, body: str) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(PO_HEADER + body, encoding="utf-8")


def test_checks_catch_missing_empty_fuzzy_and_placeholders(tmp_path: Path) -> None:
    code = tmp_path / "pkg"
    code.mkdir()
    (code / "screen.py").write_text(
        "from mwtui.i18n import _, N_, ngettext\n"
        "TITLE = N_('Customers')\n"
        "def show(n):\n"
        "    _('Nowhere')\n"
        "    _('Empty')\n"
        "    _('Fuzzy')\n"
        "    ngettext('{n} order', '{n} orders', n)\n"
        "    _(TITLE)\n",  # a variable: not a msgid
        encoding="utf-8",
    )
    _po(tmp_path, "a.po", 'msgid "Customers"\nmsgstr "Kunden"\n\nmsgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Unscharf"\n')
    _po(tmp_path, "b.po", 'msgid "{n} order"\nmsgid_plural "{n} orders"\n'
        'msgstr[0] "{n} Auftrag"\nmsgstr[1] "{count} Aufträge"\n\n'
        'msgid "Customers"\nmsgstr "Kundschaft"\n')
    catalog = merged_catalog("de", locale_dir=tmp_path)
    problems = missing_translations(code, catalog)
    assert len(problems) == 3
    assert "'Nowhere': no German entry" in problems[0]
    assert "'Empty': empty German entry" in problems[1]
    assert "'Fuzzy': fuzzy German entry" in problems[2]
    assert placeholder_problems(catalog) == [
        "('{n} order', '{n} orders') -> '{count} Aufträge': placeholders differ"]
    assert catalogue_conflicts("de", locale_dir=tmp_path) == ["b.po: 'Customers'"]
    # The first file wins a clash; fuzzy entries are not used at run time.
    compiled = compile_catalog(catalog)
    assert compiled.gettext("Customers") == "Kunden"
    assert compiled.gettext("Fuzzy") == "Fuzzy"


@pytest.mark.parametrize(("english", "german", "same"), [
    ("Period: {period}", "Zeitraum: {period}", True),
    ("Period: {period}", "Zeitraum: {zeitraum}", False),
    ("%(n)s rows", "%(n)s Zeilen", True),
    ("%s of %d", "%s von %s", False),
    ("100%% done", "100%% fertig", True),
])
def test_placeholder_comparison(english: str, german: str, same: bool) -> None:
    assert (placeholders(english) == placeholders(german)) is same
