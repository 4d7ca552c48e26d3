"""Local fake servers for sevDesk, bexio and lexware Office, labelled "sandbox".

Each :class:`SandboxState` holds contacts, orders and delivery notes and answers the REAL API
paths with the REAL wire shapes (the reference example payloads in
``mwtui/demo/data/sandbox/`` are the templates; values are overwritten per record), paging
like the real API. It plugs into the real clients as an ``httpx.MockTransport``
(:func:`sandbox_client`) or runs as a loopback HTTP server
(``python -m mwtui.demo.sandbox serve lexware --port 8765``) for the clients pointed at
it with ``MWTUI_LEXWARE_URL=http://127.0.0.1:8765``.

:meth:`SandboxState.advance` makes the next "generation": one order changes (new change
marker, title and amount), an existing order gets a new delivery note, and another order is
re-linked to another contact, so a second import shows an update and a new PDF.

Sandbox data is fictional and says so: every account answer names the sandbox.

Modules: ``common`` (constants, templates, PDF and response helpers), ``state`` (records,
rate gate, :class:`SandboxState`), ``sevdesk_api``, ``bexio_api``, ``lexware_api`` (routes,
wire shapes and demo data of one API each), ``wiring`` (config, client, demo and shared
states) and ``server`` (loopback server and ``main``).
"""

from __future__ import annotations

# The API modules register their routes and demo builders with SandboxState on import.
from mwtui.demo.sandbox import bexio_api, lexware_api, sevdesk_api  # noqa: F401
from mwtui.demo.sandbox.common import (
    SANDBOX_LABEL,
    SANDBOX_TOKEN,
    SANDBOX_URLS,
    SEVDESK_SANDBOX_CLIENT,
    make_pdf,
)
from mwtui.demo.sandbox.server import main, serve
from mwtui.demo.sandbox.state import RateGate, SandboxState, SbContact, SbNote, SbOrder
from mwtui.demo.sandbox.wiring import (
    _SHARED,  # tests drop a shared demo sandbox to start fresh
    SandboxConfig,
    demo_state,
    sandbox_client,
    sandbox_config,
    shared_state,
)

__all__ = [
    "SANDBOX_LABEL",
    "SANDBOX_TOKEN",
    "SANDBOX_URLS",
    "SEVDESK_SANDBOX_CLIENT",
    "_SHARED",
    "RateGate",
    "SandboxConfig",
    "SandboxState",
    "SbContact",
    "SbNote",
    "SbOrder",
    "demo_state",
    "main",
    "make_pdf",
    "sandbox_client",
    "sandbox_config",
    "serve",
    "shared_state",
]
