"""The WEBFAKT screen keeps its state honest (issue 11 items 5 and 6): focus after a check,
every key findable, a failed check clears the preview, commit once per check, and the
summary, status hints and footer fit at 80x24."""

from __future__ import annotations

from pathlib import Path

from support.preview import FORMAT1, make_app, sample
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from mwtui.screens.help import HelpScreen, binding_rows
from mwtui.screens.preview import PreviewScreen
from mwtui.screens.preview_dialogs import BrowseScreen
from mwtui.widgets.dialogs import ConfirmDialog
from mwtui.widgets.path_input import PathInput


def static_text(screen: PreviewScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def check(app, pilot, path: Path) -> PreviewScreen:
    if not isinstance(app.screen, PreviewScreen):
        await pilot.press("3")
        await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PreviewScreen)
    await pilot.press("f")  # the path field, wherever the focus was
    field = screen.query_one("#pv-path", PathInput)
    assert field.has_focus
    field.value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def footer_keys(screen: PreviewScreen) -> list[FooterKey]:
    return list(screen.query_one(Footer).query(FooterKey))


async def test_after_a_check_single_keys_act_on_the_table(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, sample(tmp_path))
        typed = screen.query_one("#pv-path", PathInput).value
        assert screen.table.has_focus
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#pv-path", PathInput).value == typed  # nothing typed


async def test_every_key_is_in_the_footer_or_the_help(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, sample(tmp_path))
        shown = {key.key for key in footer_keys(screen)}
        rows = binding_rows(screen)
        helped = {keys: text for keys, text, section in rows if section == "This screen"}
        for binding in PreviewScreen.BINDINGS:
            first = binding.key.split(",")[0]
            display = app.get_key_display(binding)
            assert first in shown or display in helped, binding.action
        for key in ("n", "c", "b"):
            assert key in shown, key
        for key in ("v", "e", "o", "r", "f", "d", "N", "esc"):
            assert key in helped, key
        assert "Check the file again" in helped["r"]  # with what it does


async def test_footer_summary_and_status_fit_80x24(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, sample(tmp_path))
        keys = footer_keys(screen)
        assert keys and max(key.region.right for key in keys) <= 80  # app keys included
        assert all(key.region.width > 0 for key in keys)
        summary = static_text(screen, "#pv-summary").splitlines()
        assert len(summary) == 3 and all(len(line) <= 78 for line in summary)
        assert "Billing type wrong 1" in summary[2] and "Unknown customer 1" in summary[2]
        assert len(static_text(screen, "#pv-status")) <= 78


async def test_a_failed_check_of_another_file_clears_the_preview(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    bad = tmp_path / "kaputt.csv"
    bad.write_text("Name;Betrag\nx;1\n", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, sample(tmp_path))
        assert screen.table.row_count == 5
        await check(app, pilot, bad)
        assert screen.result is None and screen.view is None
        assert screen.table.row_count == 0
        assert "not a known" in static_text(screen, "#pv-summary")
        assert "Homepagewartung" not in static_text(screen, "#pv-detail-text")
        for action in ("commit", "export", "cycle_view", "detail"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)


async def test_commit_is_disabled_until_the_next_check(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    path = sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, path)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(list(app.workspace.snapshot().items("services"))) == 3
        assert screen.check_action("commit", ()) is None  # dimmed in the footer
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        said = [n.message for n in app._notifications]
        assert any("This check was committed" in text for text in said)
        assert len(list(app.workspace.snapshot().items("services"))) == 3

        path.write_bytes(FORMAT1.replace("38,53;22.05.2004;5", "40,00;22.05.2004;5")
                         .encode("cp1252"))
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.check_action("commit", ()) is True
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Commit 1 accepted rows" in app.screen.question  # only the changed row is new


async def test_many_reasons_fit_the_summary_line(tmp_path: Path) -> None:
    from mwtui.i18n import set_language
    from mwtui.importers.webfakt.catalogue import demo_file

    set_language("de")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await check(app, pilot, demo_file("webfakt_format1.csv"))
        third = static_text(screen, "#pv-summary").splitlines()[2]
        assert third.startswith("Abgelehnt: Kunde unbekannt 2")
        assert len(third) <= 78 and third.endswith("weitere")
