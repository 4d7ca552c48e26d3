"""What the Integrations screen shows, worked out without Textual.

One :class:`IntegrationState` per accounting tool: badge, label, where the token comes
from (never the token), the endpoint and the newest contacts and orders batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mwtui.i18n import N_, _
from mwtui.i18n import formats as fmt
from mwtui.importers.accounting.jobs import integration_choices, token_state
from mwtui.workspace.batches import list_batches
from mwtui.workspace.config import TOKEN_ENV, Config
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.models import SOURCE_BADGES

TOKEN_TEXTS = {
    "env": N_("token set (environment {env})"),
    "config": N_("token set (config file)"),
    "none": N_("no token"),
    "refused": N_("token refused: config file readable by others (chmod 600 it)"),
}


@dataclass(frozen=True)
class LastImport:
    """The newest batch of one kind for one integration."""

    what: str
    when: str
    status: str
    counts: dict[str, int]


@dataclass(frozen=True)
class IntegrationState:
    """What the Integrations screen shows for one accounting tool (never the token)."""

    name: str
    label: str
    badge: str
    token_source: str  # env | config | none | refused
    token_text: str
    endpoint: str
    last: tuple[LastImport, ...]
    sandbox: bool = False
    last_sync: LastImport | None = None  # the newest unattended sync (``mwtui sync``)


def _local_time(value: Any, tz: Any) -> str:
    """A date-time the operator's way, in the business timezone (one zone for all screens)."""
    return fmt.datetime_(value) if value else "-"


def last_batches(snapshot: Any, integration: str) -> dict[str, dict[str, Any]]:
    """The newest contacts and orders batch of an integration."""
    newest: dict[str, dict[str, Any]] = {}
    for _doc_id, doc in list_batches(snapshot):  # newest first
        if doc.get("source") == integration and doc.get("kind") in ("contacts", "orders"):
            newest.setdefault(doc["kind"], doc)
    return newest


def last_imports(snapshot: Any, name: str, tz: Any = None) -> tuple[LastImport, ...]:
    """The newest contacts and orders batch of ``name`` (from the batches table)."""
    return tuple(
        LastImport(what, _local_time(doc.get("created"), tz), str(doc.get("status", "")),
                   {k: int(v) for k, v in (doc.get("counts") or {}).items()
                    if isinstance(v, int)})
        for what, doc in sorted(last_batches(snapshot, name).items())
    )


def last_sync(snapshot: Any, name: str) -> LastImport | None:
    """The newest unattended sync of ``name``: when it ran and what its contacts and orders
    batches changed together (counts summed)."""
    runs = [d for _i, d in list_batches(snapshot) if d.get("origin") == "sync"
            and d.get("source") == name and d.get("kind") in ("contacts", "orders")]
    if not runs:
        return None
    newest = {}
    for doc in runs:
        newest.setdefault(doc["kind"], doc)
    counts: dict[str, int] = {}
    for doc in newest.values():
        for key, value in (doc.get("counts") or {}).items():
            if isinstance(value, int):
                counts[key] = counts.get(key, 0) + value
    failed = any(d.get("status") != "done" for d in newest.values())
    return LastImport("sync", _local_time(runs[0].get("created"), None),
                      "failed" if failed else "done", counts)


def _endpoint(config: Config, name: str, demo: bool) -> str:
    if demo:
        return _("sandbox (local, fictional data)")
    try:
        return config.base_url(name)
    except ConfigError as err:
        return _("invalid base URL ({error})").format(error=err)


def integration_states(config: Config, snapshot: Any, demo: bool) -> list[IntegrationState]:
    """State of sevDesk, bexio and lexware Office: token source, endpoint, last imports."""
    try:
        tz = config.timezone
    except ConfigError:
        tz = None
    states = []
    for name, label in integration_choices():
        token = token_state(config, name)
        token_text = _(TOKEN_TEXTS[token.source]).format(env=TOKEN_ENV[name])
        if demo:
            token_text = (_("sandbox: no token needed (demo); real {token}").format(
                token=token_text) if token.is_set else _("sandbox: no token needed (demo)"))
        states.append(IntegrationState(name, label, SOURCE_BADGES.get(name, ""), token.source,
                                       token_text, _endpoint(config, name, demo),
                                       last_imports(snapshot, name, tz), sandbox=demo,
                                       last_sync=last_sync(snapshot, name)))
    return states
