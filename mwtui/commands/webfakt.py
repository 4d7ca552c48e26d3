"""``mwtui webfakt check|commit``, ``mwtui articles import``, ``mwtui customers import``."""

from __future__ import annotations

import argparse
from typing import Any

from mwtui.commands.common import resolve_input_file, write_json, write_json_parts
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("webfakt", help="check or commit a WEBFAKT service list",
                       description="WEBFAKT 'Import Dienstleistungen' files (formats 1-4).")
    wsub = p.add_subparsers(dest="webfakt_command", metavar="ACTION", required=True)

    c = wsub.add_parser("check", help="show what a commit would accept and reject",
                        description="Read FILE, detect format and encoding, and list every "
                        "rejected row with line, column and reason. Writes nothing. Exit 0 "
                        "even with rejects, 1 when the file as a whole cannot be read.")
    _common(c)
    c.set_defaults(func=run_check)

    m = wsub.add_parser("commit", help="check FILE and commit its accepted rows as one batch",
                        description="Check FILE and write its accepted rows as one batch "
                        "(undo with `mwtui undo BATCH`). Rows committed before are skipped.")
    _common(m)
    m.set_defaults(func=run_commit)

    for kind, header in (("articles", "Artikelnummer;Bezeichnung;VK-Preis;Langtext"),
                         ("customers", "Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon")):
        k = sub.add_parser(kind, help=f"import {kind} from a semicolon file",
                           description=f"Import {kind} ({header}).")
        ksub = k.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        i = ksub.add_parser("import", help=f"upsert {kind} by number from FILE",
                            description=f"Upsert {kind} by number from FILE (header "
                            f"{header}; UTF-8 or Windows-1252). Empty cells keep stored "
                            "values; rows with problems are listed and skipped.")
        i.add_argument("file", metavar="FILE")
        i.add_argument("--json", action="store_true", help="JSON result (keys in docs)")
        i.set_defaults(func=run_catalogue, catalogue_kind=kind)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the WEBFAKT export (.csv/.txt)")
    p.add_argument("--json", action="store_true", help="JSON result (keys in docs/webfakt.md)")
    p.add_argument("--rejects-out", metavar="PATH",
                   help="also write the rejected rows to PATH in the file's own layout")
    p.add_argument("--max-rejects", type=int, default=200, metavar="N",
                   help="rejects listed in the text output (default 200, 0 = all)")


def _check(ctx: Any):
    from mwtui.importers.webfakt import check_file

    path = resolve_input_file(ctx.args.file)
    return path, check_file(path, ctx.workspace)


def _export(ctx: Any, result: Any) -> tuple[str | None, int]:
    if not ctx.args.rejects_out:
        return None, 0
    from mwtui.importers.webfakt import export_rejects

    count = export_rejects(result, ctx.args.rejects_out)
    return ctx.args.rejects_out, count


def _print_result(ctx: Any, result: Any) -> None:
    out = ctx.out
    out(safe_text(f"File: {result.file_name}  format {result.format}, encoding "
                  f"{result.encoding}, sha256 {result.sha256[:12]}", one_line=True))
    out(f"Rows: {result.total}  accepted: {result.accepted}  rejected: {result.rejected}")
    if result.reasons:
        from mwtui.importers.webfakt import REASONS

        out("Rejected per reason:")
        for code, count in result.reasons.items():
            out(f"  {code:<19} {count:>8}  {REASONS[code]}")
    rejected = result.rejected_rows()
    if rejected.height:
        limit = ctx.args.max_rejects
        shown = rejected if limit <= 0 else rejected.head(limit)
        out("Rejects (line, column, value, reason):")
        for line, column, value, reason in shown.select(
                "line", "column", "value", "reason").iter_rows():
            out(safe_text(f"  {line:>8}  {column or '-'}  {value!r}  {reason}", one_line=True))
        if shown.height < rejected.height:
            out(f"  ... {rejected.height - shown.height} more; use --json, --max-rejects 0 "
                "or --rejects-out PATH")
    for warning in result.warnings[:50]:
        out(safe_text(f"Warning line {warning.line}: {warning.message}", one_line=True))
    if len(result.warnings) > 50:
        out(f"... {len(result.warnings) - 50} more warnings; use --json")
    if result.filled_from_catalogue:
        lines = ", ".join(str(n) for n in result.filled_from_catalogue[:50])
        more = " ..." if len(result.filled_from_catalogue) > 50 else ""
        out(f"Filled from the article catalogue: line(s) {lines}{more}")


def run_check(ctx: Any) -> int:
    _path, result = _check(ctx)
    out_path, exported = _export(ctx, result)
    if ctx.args.json:
        extra = {"rejects_out": out_path, "exported": exported} if out_path else {}
        write_json_parts(result.iter_json(extra))
        return 0
    _print_result(ctx, result)
    if out_path:
        ctx.out(safe_text(f"Wrote {exported} rejected row(s) to {out_path}", one_line=True))
    return 0


def run_commit(ctx: Any) -> int:
    from mwtui.importers.webfakt import commit

    path, result = _check(ctx)
    done = commit(ctx.workspace, result, path)
    out_path, exported = _export(ctx, result)
    if ctx.args.json:
        data = {**result.to_json(), **done.to_json()}
        if out_path:
            data.update(rejects_out=out_path, exported=exported)
        write_json(data)
        return 0
    _print_result(ctx, result)
    if done.batch_id:
        ctx.out(f"Committed {done.committed} service(s) as batch {done.batch_id} "
                f"(undo: mwtui undo {done.batch_id}).")
        if done.already_imported:
            ctx.out(f"Skipped {done.already_imported} row(s) committed meanwhile.")
    elif result.accepted or result.reasons.get("already_imported"):
        again = result.accepted + result.reasons.get("already_imported", 0)
        ctx.out(f"Nothing new: {again} row(s) were already imported; nothing was added.")
    else:
        ctx.out("Nothing committed: no row was accepted.")
    if out_path:
        ctx.out(safe_text(f"Wrote {exported} rejected row(s) to {out_path}", one_line=True))
    return 0


def run_catalogue(ctx: Any) -> int:
    from mwtui.importers.webfakt.catalogue import import_articles, import_customers

    path = resolve_input_file(ctx.args.file)
    kind = ctx.args.catalogue_kind
    runner = import_articles if kind == "articles" else import_customers
    result = runner(ctx.workspace, path)
    if ctx.args.json:
        write_json(result.to_json())
        return 0
    ctx.out(safe_text(f"{kind.capitalize()} from {result.file_name} ({result.encoding}): "
                      f"{result.rows} row(s), {result.created} created, {result.updated} "
                      f"updated, {result.unchanged} unchanged, {result.rejected} rejected; "
                      f"batch {result.batch_id}", one_line=True))
    for rej in result.rejects:
        ctx.out(safe_text(f"  line {rej.line}  {rej.column or '-'}  {rej.value!r}  "
                          f"{rej.reason}: {rej.message}", one_line=True))
    return 0
