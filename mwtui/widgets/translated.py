"""Textual glue for mwtui.i18n: bindings, titles and palette commands in the operator's
language.

``BINDINGS``, ``TITLE`` and ``SUB_TITLE`` are class attributes, evaluated at import time,
before the language is known. Mark their texts with ``N_()`` and put
:class:`TranslatedBindings` first among the bases::

    class CustomersScreen(TranslatedBindings, Screen):
        TITLE = N_("Customers")
        BINDINGS = [Binding("q", "quit", N_("Quit"), tooltip=N_("Leave mwtui"))]

Textual copies the class's merged bindings into ``self._bindings`` (a ``BindingsMap``) in
``DOMNode.__init__``; every consumer (footer, key panel, tooltips, ``check_bindings``)
reads that per-instance copy. The mixin replaces the copy with translated ``Binding``s
(``dataclasses.replace`` of ``description``, ``tooltip`` and the group's description)
right after ``__init__``, so nothing reads the English text first and the class stays
untouched (a second app in the same process can be in the other language).
:meth:`TranslatedBindings.retranslate` redoes it after ``set_language`` at run time.

For the command palette, yield commands whose title is ``bilingual(N_("Import orders"))``
from ``App.get_system_commands`` and use :class:`BilingualCommands` instead of Textual's
``SystemCommandsProvider`` (``COMMANDS = {BilingualCommands}``): a query matches the
German or the English name; Textual's own commands are translated through the catalogue.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from mwtui.i18n.catalog import _
from mwtui.i18n.names import english_of, names_of, shown


def translate_binding(binding: Binding) -> Binding:
    """A copy of ``binding`` with its texts in the current language."""
    group = binding.group
    if group is not None and group.description:
        group = dataclasses.replace(group, description=_(group.description))
    return dataclasses.replace(
        binding,
        description=_(binding.description),
        tooltip=_(binding.tooltip),
        group=group,
    )


class TranslatedBindings:
    """Mixin for ``App``, ``Screen`` and ``Widget`` subclasses (list it first)."""

    _i18n_sources: dict[Binding, Binding]
    _i18n_titles: dict[str, tuple[str | None, str | None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._i18n_sources = {}
        self._i18n_titles = {}
        self.retranslate(refresh=False)

    def retranslate(self, refresh: bool = True) -> None:
        """Translate bindings and class titles into the current language (again)."""
        node: Any = self
        sources = self._i18n_sources
        keys: dict[str, list[Binding]] = {}
        for key, bindings in node._bindings.key_to_bindings.items():
            translated = []
            for binding in bindings:
                source = sources.get(binding, binding)
                new = translate_binding(source)
                sources[new] = source
                translated.append(new)
            keys[key] = translated
        node._bindings = BindingsMap.from_keys(keys)
        for attribute, class_attribute in (("title", "TITLE"), ("sub_title", "SUB_TITLE")):
            self._retranslate_title(attribute, getattr(type(self), class_attribute, None))
        group_title = getattr(type(self), "BINDING_GROUP_TITLE", None)
        if group_title:
            node.BINDING_GROUP_TITLE = _(group_title)
        if refresh:
            node.refresh_bindings()

    def _retranslate_title(self, attribute: str, msgid: str | None) -> None:
        """Translate a title that still shows the class's text (a title set at run time is
        the screen's business)."""
        if not msgid or not hasattr(self, attribute):
            return
        current = getattr(self, attribute)
        _source, last = self._i18n_titles.get(attribute, (msgid, msgid))
        if current in (msgid, last):
            value = _(msgid)
            setattr(self, attribute, value)
            self._i18n_titles[attribute] = (msgid, value)


def translated_palette() -> CommandPalette:
    """Textual's command palette with a translated placeholder; use it in
    ``App.action_command_palette`` (``self.push_screen(translated_palette())``)."""
    return CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")


def bilingual_hit(matcher: Matcher, title: str) -> tuple[float, Content] | None:
    """Match ``title`` (a ``Bilingual`` or a msgid) in both languages: the better score
    wins; an English match shows the English name highlighted and the local one after it."""
    names = names_of(title)
    scores = [matcher.match(name) for name in names]
    best = max(scores)
    if best <= 0:
        return None
    if scores[0] >= best:
        return best, matcher.highlight(names[0])
    return best, matcher.highlight(names[1]) + f" · {names[0]}"


class BilingualCommands(Provider):
    """``App.get_system_commands`` in the palette, found by German and English names."""

    async def discover(self) -> Hits:
        commands = sorted(self.app.get_system_commands(self.screen),
                          key=lambda command: shown(command[0]))
        for title, help_text, callback, discover in commands:
            if discover:
                yield DiscoveryHit(shown(title), callback, help=shown(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, *_rest in self.app.get_system_commands(self.screen):
            if found := bilingual_hit(matcher, title):
                score, display = found
                yield Hit(score, display, callback, text=english_of(title),
                          help=shown(help_text))
