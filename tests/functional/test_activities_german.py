"""Activities, activity detail, PDF view and activity types in German, and the PDF keys
of the activity detail (read, save under the readable name, copy the path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.i18n import screen_lines, untranslated_on_screen
from support.screens import make_app, make_workspace

from mwtui.demo.sandbox import make_pdf
from mwtui.i18n import using_language
from mwtui.i18n.catalog import merged_catalog
from mwtui.screens.activities import ActivitiesScreen
from mwtui.screens.activity_detail import ActivityDetailScreen
from mwtui.screens.activity_types import ActivityTypesScreen
from mwtui.screens.pdf_view import AttachmentSaver, PdfTextScreen, SaveFolderDialog

SIZES = [(80, 24), (120, 40)]


def with_note(tmp_path: Path, content: bytes):
    """The test workspace with ``content`` as AB-1118's delivery note LI-1001.pdf."""
    ws = make_workspace(tmp_path)
    (ws.attachments_dir / "a1b2c3.pdf").write_bytes(content)
    return ws


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_detail(app, pilot, number: str = "AB-1118") -> ActivityDetailScreen:
    await settle(app, pilot)
    await pilot.press("slash", *number, "enter", "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ActivityDetailScreen)
    return app.screen


async def test_enter_reads_the_pdf_text_with_its_page_count(tmp_path: Path) -> None:
    ws = with_note(tmp_path, make_pdf(["Lieferschein LI-1001", "3 x Thermostat"]))
    app = make_app(tmp_path, ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, PdfTextScreen)
        assert "LI-1001.pdf - 1 page" in "\n".join(screen_lines(app))
        assert "3 x Thermostat" in view.body_text()
        await pilot.press("escape")
        assert isinstance(app.screen, ActivityDetailScreen)


@pytest.mark.parametrize(("content", "message"), [
    (make_pdf(["x"])[:50], "This PDF is damaged and cannot be read"),
    (b"%PDF-1.4\n% test delivery note\n", "This PDF is damaged and cannot be read"),
])
async def test_a_damaged_pdf_gives_a_sentence(tmp_path: Path, content: bytes,
                                              message: str) -> None:
    app = make_app(tmp_path, with_note(tmp_path, content))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, PdfTextScreen)
        assert message in app.screen.body_text() and app.is_running


async def test_a_pdf_without_text_says_so(tmp_path: Path) -> None:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    app = make_app(tmp_path, with_note(tmp_path, buffer.getvalue()))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert "contains no text" in app.screen.body_text()


async def test_s_saves_under_the_readable_name_and_copies_the_path(tmp_path: Path,
                                                                   monkeypatch) -> None:
    ws = with_note(tmp_path, make_pdf(["LI-1001"]))
    target = tmp_path / "Downloads"
    target.mkdir()
    (target / "LI-1001.pdf").write_bytes(b"older")
    monkeypatch.chdir(target)
    monkeypatch.setattr(AttachmentSaver, "last_folder", "")
    app = make_app(tmp_path, ws)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_detail(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveFolderDialog)
        assert dialog.query_one("#save-folder").value == str(target)  # the current folder
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is detail
        assert copied == [str(target / "LI-1001 (2).pdf")]
        assert (target / "LI-1001 (2).pdf").read_bytes() == make_pdf(["LI-1001"])
        assert (target / "LI-1001.pdf").read_bytes() == b"older"
        # from the text view, into another folder typed by the operator
        other = tmp_path / "elsewhere"
        other.mkdir()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        field = app.screen.query_one("#save-folder")
        field.value = str(other)
        await pilot.press("enter")
        await settle(app, pilot)
        assert copied[-1] == str(other / "LI-1001.pdf")
        assert isinstance(app.screen, PdfTextScreen)


async def test_saving_into_a_missing_folder_is_one_message(tmp_path: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(AttachmentSaver, "last_folder", str(tmp_path / "nope"))
    app = make_app(tmp_path, with_note(tmp_path, make_pdf(["x"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("does not exist" in n.message for n in app._notifications)
        assert app.is_running


# -- German ----------------------------------------------------------------------------------
def assert_german(app) -> None:
    """No English msgid on screen, except the app's own footer keys (app.py, not these
    screens; translated there)."""
    app_keys = {binding.description for binding in type(app).BINDINGS}
    # the attachments folder's path (``ws.attachments``) is a file name, not English text
    lines = [line.replace("ws.attachments", "") for line in screen_lines(app)]
    found = [m for m in untranslated_on_screen(lines, merged_catalog("de")) if m not in app_keys]
    assert found == [], "\n".join(lines)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_activity_screens_are_german(tmp_path: Path, size: tuple[int, int]) -> None:
    with using_language("de"):
        app = make_app(tmp_path, with_note(tmp_path, make_pdf(["Lieferschein LI-1001"])))
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ActivitiesScreen)
            text = "\n".join(screen_lines(app))
            assert "Nr." in text and "Titel" in text and "Kunde" in text
            assert "6 von 6 Aktivitäten | Quelle: alle | Sortierung: erstellt absteigend" in text
            assert_german(app)
            await pilot.press("o", "o", "o")  # sort by customer: DIN 5007 (Bäckerei first)
            assert screen.view is not None
            assert screen.view.row_at(0).customer == "Bäckerei Sonnenschein"
            await pilot.press("o", "o", "o", "o", "o")  # back to created
            await pilot.press("slash", *"AB-1118", "enter", "enter")
            await settle(app, pilot)
            detail = app.screen
            assert isinstance(detail, ActivityDetailScreen)
            body = str(detail.query_one("#detail-body").content)
            assert "1.200,00\u00a0€" in body and "10.11.2026 09:00" in body
            assert "Anhänge (1)" in "\n".join(screen_lines(app))
            assert_german(app)
            await pilot.press("v")
            await settle(app, pilot)
            assert "LI-1001.pdf - 1 Seite" in "\n".join(screen_lines(app))
            assert "--- Seite 1 von 1 ---" in app.screen.body_text()
            assert_german(app)
            await pilot.press("s")
            await pilot.pause()
            assert_german(app)
            await pilot.press("escape", "escape", "escape")
            await pilot.pause()
            await pilot.press("t")
            await settle(app, pilot)
            assert isinstance(app.screen, ActivityTypesScreen)
            assert "* Auftrag  (Standard)" in "\n".join(screen_lines(app))
            assert_german(app)


async def test_swiss_amounts_in_the_detail(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    with ws.transaction() as tx:
        tx.update("activities", 1, {"currency": "CHF", "net_amount": "1234.56"})
    with using_language("de", region="de_CH", timezone="Europe/Zurich"):
        app = make_app(tmp_path, ws)
        async with app.run_test(size=(80, 24)) as pilot:
            detail = await open_detail(app, pilot)
            assert "CHF\u00a01'234.56" in str(detail.query_one("#detail-body").content)
