"""The import dialog's preview (Vorschau): v shows what would happen, nothing written; s
then imports exactly that, or names what changed at the source and shows the new preview."""

from __future__ import annotations

import hashlib
from pathlib import Path

from support.screens import make_app, screen_text
from support.sync import NOW, client_for

from mwtui.demo.sandbox import SandboxState
from mwtui.screens.import_dialog import ImportDialog
from mwtui.workspace.batches import list_batches


def fingerprint(ws) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for root in (ws.path, ws.attachments_dir) if root.exists()
            for p in sorted(root.rglob("*")) if p.is_file()}


def shown(app) -> str:
    """The screen's words on one line (the dialog wraps long lines)."""
    return " ".join(screen_text(app).replace("│", " ").split())


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_preview(app, pilot) -> ImportDialog:
    dialog = ImportDialog("orders", "lexware")
    await app.push_screen(dialog)
    await pilot.pause()
    await pilot.press("tab", "down")  # period: this month -> all
    assert dialog.request().period == "all"
    await pilot.press("v")
    await settle(app, pilot)
    return dialog


def lexware_batches(ws) -> list[dict]:
    return [d for _, d in list_batches(ws.snapshot()) if d.get("source") == "lexware"]


async def test_preview_writes_nothing_and_confirm_imports_what_it_showed(
        tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("lexware", now=NOW)
    app.client_factory = lambda name: client_for(state)
    before = fingerprint(app.workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_preview(app, pilot)
        previewed = [i.to_json() for i in dialog.runner.previewed]
        assert any(i["action"] == "created" for i in previewed)
        text = shown(app)
        assert "Preview: orders from lexware Office (order confirmations, all), nothing " \
            "written yet" in text
        assert "s imports exactly this; Escape closes without importing." in text
        assert fingerprint(app.workspace) == before  # byte-identical
        assert dialog.check_action("start", ()) is True
        await pilot.press("s")
        await settle(app, pilot)
        assert dialog.runner.result is not None and dialog.runner.previewed is None
    batches = lexware_batches(app.workspace)
    assert len(batches) == 1 and batches[0]["items"] == previewed
    assert batches[0]["origin"] == "tui"


async def test_confirm_names_items_changed_at_the_source_and_previews_again(
        tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("lexware", now=NOW)
    app.client_factory = lambda name: client_for(state)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_preview(app, pilot)
        first = [i.to_json() for i in dialog.runner.previewed]
        changed = state.advance()["changed_order"]  # the source changes in between
        await pilot.press("s")
        await settle(app, pilot)
        assert lexware_batches(app.workspace) == []  # nothing imported
        said = shown(app).split("Changed at the source since the previous preview: ")[1]
        assert changed in said.split(". This is the new preview")[0].split(", ")
        second = [i.to_json() for i in dialog.runner.previewed]
        assert second != first
        await pilot.press("s")  # the new preview is confirmed as it is
        await settle(app, pilot)
    batches = lexware_batches(app.workspace)
    assert len(batches) == 1 and batches[0]["items"] == second


class CountingClient:
    """A sandbox client that counts each delivery note's PDF downloads."""

    def __init__(self, client, counts: dict[str, int]) -> None:
        self._client, self.counts = client, counts

    def download_delivery_note(self, note):
        self.counts[note.external_id] = self.counts.get(note.external_id, 0) + 1
        return self._client.download_delivery_note(note)

    def __getattr__(self, name):
        return getattr(self._client, name)


async def test_preview_then_confirm_fetches_each_pdf_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    state = SandboxState.demo("lexware", now=NOW)
    counts: dict[str, int] = {}
    app.client_factory = lambda name: CountingClient(client_for(state), counts)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_preview(app, pilot)
        assert counts and set(counts.values()) == {1}  # the preview fetched each PDF
        await pilot.press("s")
        await settle(app, pilot)
        assert dialog.runner.result is not None
    assert set(counts.values()) == {1}  # confirming fetched none of them again
    assert any(d.get("attachments") for _, d in app.workspace.snapshot().items("activities"))
