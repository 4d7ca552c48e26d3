"""``mwtui integrations list`` and ``mwtui integrations test NAME``."""

from __future__ import annotations

import argparse
import json

from mwtui.i18n import N_, _, ngettext
from mwtui.i18n import formats as fmt
from mwtui.workspace.config import TOKEN_ENV, URL_ENV
from mwtui.workspace.errors import ConfigError
from mwtui.workspace.models import INTEGRATION_LABELS, INTEGRATIONS
from mwtui.workspace.text import safe_text

KIND_LABELS = {"orderconfirmation": N_("Order confirmations"), "quotation": N_("Quotations")}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("integrations",
                       help=_("check the sevDesk, bexio and lexware connections"),
                       description=_("List the integrations or test one token with one "
                                     "cheap, read-only request."))
    isub = p.add_subparsers(dest="integrations_command", metavar="ACTION", required=True)
    lp = isub.add_parser("list",
                         help=_("each integration, whether a token is set and where from"))
    lp.add_argument("--json", action="store_true", help=_("JSON array"))
    lp.set_defaults(func=run_list)
    tp = isub.add_parser("test", help=_("reach the account with the configured token"))
    tp.add_argument("name", choices=INTEGRATIONS)
    tp.add_argument("--json", action="store_true", help=_("JSON object"))
    tp.set_defaults(func=run_test)


def _status(config, name: str) -> dict[str, str]:
    from mwtui.importers.accounting.jobs import token_state

    token = token_state(config, name)
    # a refused token is one in an unsafe config file: it comes from the config, with a problem
    source = "config" if token.source == "refused" else token.source
    problem = token.problem
    try:
        base_url = config.base_url(name)
    except ConfigError as err:
        base_url, problem = "", problem or str(err)
    return {"name": name, "label": INTEGRATION_LABELS.get(name, name),
            "token": "set" if source in ("env", "config") and not problem else "missing",
            "source": source, "token_env": TOKEN_ENV[name], "url_env": URL_ENV[name],
            "base_url": base_url, "problem": problem}


def run_list(ctx) -> int:
    rows = [_status(ctx.config, name) for name in INTEGRATIONS]
    if ctx.args.json:
        ctx.out(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        where = {"env": _("from {env}"), "config": _("from the config file"),
                 "none": _("set {env} or add it to the config file")}[row["source"]]
        state = _("set") if row["token"] == "set" else _("missing")
        line = _("{label} token {state} ({where})").format(
            label=f"{row['label']:<15}", state=f"{state:<8}",
            where=where.format(env=row["token_env"])) + f"  {row['base_url']}"
        if row["problem"]:
            line += "  " + _("problem: {problem}").format(problem=row["problem"])
        ctx.out(safe_text(line, one_line=True))
    return 0


def run_test(ctx) -> int:
    """Reach the account; then count, with list requests only, what an import would find."""
    from mwtui.importers.accounting.clients import make_client, would_find

    name = ctx.args.name
    label = INTEGRATION_LABELS.get(name, name)
    with make_client(name, ctx.config) as client:  # type: ignore[attr-defined]
        text = client.account_info()
        found = would_find(client)
    if ctx.args.json:
        ctx.out(json.dumps({"name": name, "ok": True, "account": text, "would_find": found},
                           ensure_ascii=False))
        return 0
    ctx.out(safe_text(f"{label}: {text}", one_line=True))
    n = found["contacts"]
    ctx.out(ngettext("An import would find {n} contact.", "An import would find {n} contacts.",
                     n).format(n=fmt.count(n)))
    for kind, counts in found["orders"].items():
        ctx.out(_("{kind}: today {today}, this week {week}, this month {month}, "
                  "all {all}").format(kind=_(KIND_LABELS.get(kind, kind)),
                                      **{p: fmt.count(n) for p, n in counts.items()}))
    ctx.out(_("Nothing was written. Run an import when these numbers look right."))
    return 0
