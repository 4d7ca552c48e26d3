"""The preview table over a million-row frame, and the pure view logic behind the keys."""

from __future__ import annotations

import polars as pl
from support.preview import synthetic_rows
from textual.app import App, ComposeResult

from mwtui.i18n import using_language
from mwtui.screens.preview import COLUMNS
from mwtui.screens.preview_frame_source import FrameSource
from mwtui.screens.preview_presenter import (
    amount_text,
    build_view,
    detail_lines,
    find_reject,
    position_of_line,
    summarise,
)
from mwtui.widgets.virtual_table import VirtualTable


class TableApp(App[None]):
    def __init__(self, frame: pl.DataFrame) -> None:
        super().__init__()
        self.frame = frame

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, FrameSource(self.frame), id="t")

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()


def line_text(table: VirtualTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_million_rows_render_and_page_down() -> None:
    frame = synthetic_rows(1_000_000)
    app = TableApp(frame)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.row_count == 1_000_000
        assert line_text(table, 1).split()[0] == "2"  # first data row is file line 2
        page = table.size.height - 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor_row == page
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 999_999
        last = line_text(table, table.size.height - 1)
        assert last.split()[0] == "1000001"
        assert "Unknown customer" in last  # every fifth row is rejected
        await pilot.press("pageup")
        await pilot.pause()
        assert table.cursor_row == 999_999 - page


async def test_set_source_can_place_the_cursor_on_a_far_row() -> None:
    frame = synthetic_rows(10_000)
    app = TableApp(frame.head(3))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_source(FrameSource(frame), cursor=5_000)
        await pilot.pause()
        assert table.cursor_row == 5_000
        visible = [line_text(table, y).split()[0] for y in range(1, table.size.height)]
        assert "5002" in visible  # the cursor row is scrolled into view


def test_reject_navigation_and_views() -> None:
    rows = synthetic_rows(20)  # rejected at positions 4, 9, 14, 19
    view = build_view(rows, "all")
    assert view.rejects.to_list() == [4, 9, 14, 19]
    assert find_reject(view, 0, 1) == 4
    assert find_reject(view, 4, 1) == 9
    assert find_reject(view, 19, 1) is None
    assert find_reject(view, 9, -1) == 4
    assert find_reject(view, 4, -1) is None
    accepted = build_view(rows, "accepted")
    assert len(accepted) == 16 and find_reject(accepted, 0, 1) is None
    rejected = build_view(rows, "rejected")
    assert find_reject(rejected, 0, 1) == 1
    # switching views keeps the operator near the same file line
    assert position_of_line(accepted, 6) == 4  # line 6 is rejected -> next accepted, line 7
    assert position_of_line(rejected, 7) == 1  # -> line 11


def test_summary_counts_per_reason() -> None:
    rows = synthetic_rows(100)
    summary = summarise(rows)
    assert (summary.rows, summary.accepted, summary.rejected) == (100, 80, 20)
    assert summary.reasons == {"unknown_customer": 20}


def test_detail_marks_catalogue_fields_and_shows_raw() -> None:
    row = {
        "line": 4, "status": "accepted", "warning": None, "from_catalogue": True,
        "raw": "001;12101;;01;2;;22.05.2004;5;", "customer_number": "001",
        "customer_id": 1, "article_number": "12101", "service": "Homepagewartung",
        "cycle": "01", "cycle_name": "monatlich", "quantity": "2", "amount": "38.53",
        "next_invoice": "2004-05-22", "discount": "5", "remarks": "",
    }
    fields = ("customer_number", "article_number", "service", "cycle", "quantity", "amount",
              "next_invoice", "discount", "remarks")
    headers = ("Kunden-Nr.", "Artikelnummer", "Leistung", "Abrechnungsart", "Anzahl", "Betrag",
               "nächste Rechnung", "Rabatt", "Bemerkungen")
    text = "\n".join(detail_lines(row, fields, headers))
    assert "Raw: 001;12101;;01;2;;22.05.2004;5;" in text
    assert "Leistung: '' -> Homepagewartung *" in text
    assert "Betrag: '' -> 38.53 *" in text
    assert "Abrechnungsart: '01' -> 01 (monatlich)" in text
    assert "Artikelnummer: '12101'\n" in text  # unchanged, not marked


def test_amounts_in_the_operators_format() -> None:
    assert amount_text("1234.5") == "1.234,50"  # English text, German formats
    assert amount_text(None) == ""
    assert amount_text("abc") == "abc"
    with using_language("de"):
        assert amount_text("1234.5") == "1.234,50"
    with using_language("de", region="de_CH"):
        assert amount_text("1234.5") == "1'234.50"
    with using_language("en", region="de_CH"):
        assert amount_text("1234.5") == "1'234.50"
    with using_language("en", region="en_GB"):  # only when the config's locale says so
        assert amount_text("1234.5") == "1,234.50"
