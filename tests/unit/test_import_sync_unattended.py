"""Unattended sync: contacts then orders per integration, list requests only when nothing
changed, and a second sync refused at once while one runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sync import NOW, client_for, workspace

from mwtui.demo.sandbox import SandboxState
from mwtui.importers.accounting.sync_unattended import SyncBusy, run_sync, sync_lock
from mwtui.workspace.batches import list_batches


def test_second_sync_makes_list_requests_only(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    states = {n: SandboxState.demo(n, now=NOW) for n in ("sevdesk", "bexio", "lexware")}
    factory = lambda name: client_for(states[name])  # noqa: E731

    first = run_sync(ws, factory, list(states))
    assert first.ok
    assert [(r.integration, r.what) for r in first.results] == [
        (n, w) for n in states for w in ("contacts", "orders")]
    assert all(r.created for r in first.results)
    for state in states.values():
        state.reset_stats()

    second = run_sync(ws, factory, list(states))

    assert second.ok and all(r.created == r.updated == 0 for r in second.results)
    for name, state in states.items():
        # lists only: no detail request, no PDF (bexio's country list counts as "account")
        assert set(state.stats()["by_path"]) <= {"list", "account"}, name
        assert state.stats()["by_path"]["list"] >= 2, name
    origins = {d["origin"] for _, d in list_batches(ws.snapshot())}
    assert origins == {"sync"}


def test_a_failed_integration_makes_the_sync_fail_and_the_others_still_run(
        tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    state = SandboxState.demo("bexio", now=NOW)

    def factory(name: str):
        if name == "sevdesk":
            raise ValueError("No token configured for sevDesk.")
        return client_for(state)

    report = run_sync(ws, factory, ["sevdesk", "bexio"])
    assert not report.ok
    assert report.errors == [{"integration": "sevdesk",
                              "error": "No token configured for sevDesk."}]
    assert [r.integration for r in report.results] == ["bexio", "bexio"]
    assert report.to_json()["status"] == "failed"


def test_a_second_sync_is_refused_while_one_runs(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    with sync_lock(ws), pytest.raises(SyncBusy):
        run_sync(ws, lambda name: pytest.fail("must not start"), ["bexio"])
    assert list_batches(ws.snapshot()) == []


def test_integrations_screen_shows_the_last_unattended_sync(tmp_path: Path) -> None:
    from mwtui.screens.integrations import state_text
    from mwtui.screens.integrations_presenter import integration_states
    from mwtui.workspace.config import Config

    ws = workspace(tmp_path)
    state = SandboxState.demo("lexware", now=NOW)
    config = Config.load(tmp_path / "config.toml")
    shown = {s.name: s for s in integration_states(config, ws.snapshot(), demo=False)}
    assert shown["lexware"].last_sync is None
    report = run_sync(ws, lambda name: client_for(state), ["lexware"])
    created = sum(r.created for r in report.results)

    shown = {s.name: s for s in integration_states(config, ws.snapshot(), demo=False)}
    last = shown["lexware"].last_sync
    assert last is not None and last.status == "done" and last.counts["created"] == created
    assert "last unattended sync:" in state_text(shown["lexware"]).plain
    assert shown["bexio"].last_sync is None
