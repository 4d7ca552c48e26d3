"""``mwtui webfakt check|commit``, ``mwtui articles import``, ``mwtui customers import``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mwtui.commands.common import resolve_input_file, write_json, write_json_parts
from mwtui.i18n import _
from mwtui.i18n import formats as fmt
from mwtui.workspace.text import safe_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("webfakt", help=_("check or commit a WEBFAKT service list"),
                       description=_("WEBFAKT 'Import Dienstleistungen' files (formats 1-4)."))
    wsub = p.add_subparsers(dest="webfakt_command", metavar=_("ACTION"), required=True)

    c = wsub.add_parser("check", help=_("show what a commit would accept and reject"),
                        description=_(
                            "Read FILE, detect format and encoding, and list every rejected "
                            "row with line, column and reason. Writes nothing. Exit 0 even "
                            "with rejects, 1 when the file as a whole cannot be read."))
    _common(c)
    c.set_defaults(func=run_check)

    m = wsub.add_parser("commit", help=_("check FILE and commit its accepted rows as one "
                                         "batch"),
                        description=_("Check FILE and write its accepted rows as one batch "
                                      "(undo with `mwtui undo BATCH`). Rows committed before "
                                      "are skipped."))
    _common(m)
    m.set_defaults(func=run_commit)

    kinds = {
        "articles": (_("import articles from a semicolon file"),
                     _("upsert articles by number from FILE"),
                     "Artikelnummer;Bezeichnung;VK-Preis;Langtext"),
        "customers": (_("import customers from a semicolon file"),
                      _("upsert customers by number from FILE"),
                      "Kunden-Nr.;Name;Straße;PLZ;Ort;E-Mail;Telefon"),
    }
    for kind, (help_text, import_help, header) in kinds.items():
        k = sub.add_parser(kind, help=help_text, description=help_text)
        ksub = k.add_subparsers(dest=f"{kind}_command", metavar=_("ACTION"), required=True)
        i = ksub.add_parser("import", help=import_help,
                            description=_("{what} (header {header}; UTF-8 or Windows-1252). "
                                          "Empty cells keep stored values; rows with problems "
                                          "are listed and skipped.").format(
                                              what=import_help, header=header))
        i.add_argument("file", metavar=_("FILE"))
        i.add_argument("--json", action="store_true",
                       help=_("JSON result (keys in docs/webfakt.md)"))
        i.set_defaults(func=run_catalogue, catalogue_kind=kind)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar=_("FILE"), help=_("the WEBFAKT export (.csv/.txt)"))
    p.add_argument("--json", action="store_true", help=_("JSON result (keys in docs/webfakt.md)"))
    p.add_argument("--rejects-out", metavar=_("PATH"),
                   help=_("also write the rejected rows to PATH in the file's own layout"))
    p.add_argument("--max-rejects", type=int, default=200, metavar="N",
                   help=_("rejects listed in the text output (default 200, 0 = all)"))


def _check(ctx: Any):
    from mwtui.importers.webfakt import check_file

    path = resolve_input_file(ctx.args.file)
    return path, check_file(path, ctx.workspace)


def _reserve(ctx: Any) -> Any:
    """The ``--rejects-out`` file checked (and its temp file made) before any commit."""
    if not ctx.args.rejects_out:
        return None
    from mwtui.importers.webfakt.rejects_export import reserve_target

    return reserve_target(ctx.args.rejects_out)


def _export(ctx: Any, result: Any, reserved: Any = None) -> tuple[str | None, int]:
    if not ctx.args.rejects_out:
        return None, 0
    from mwtui.importers.webfakt import export_rejects

    count = export_rejects(result, ctx.args.rejects_out, reserved)
    return ctx.args.rejects_out, count


def _print_result(ctx: Any, result: Any) -> None:
    out = ctx.out
    out(safe_text(_("File: {file}  format {format}, encoding {encoding}, sha256 {sha}").format(
        file=result.file_name, format=result.format, encoding=result.encoding,
        sha=result.sha256[:12]), one_line=True))
    out(_("Rows: {rows}  accepted: {accepted}  rejected: {rejected}").format(
        rows=fmt.count(result.total), accepted=fmt.count(result.accepted),
        rejected=fmt.count(result.rejected)))
    if result.reasons:
        from mwtui.importers.webfakt.reasons import REASONS, reason_label

        out(_("Rejected per reason:"))
        for code, count in result.reasons.items():
            out(f"  {code:<19} {fmt.count(count):>8}  {reason_label(code)}: {REASONS[code]}")
    _print_rejects(ctx, result)
    for warning in result.warnings[:50]:
        out(safe_text(_("Warning line {line}: {text}").format(
            line=warning.line, text=warning.message), one_line=True))
    if len(result.warnings) > 50:
        out(_("... {n} more warnings; use --json").format(
            n=fmt.count(len(result.warnings) - 50)))
    if result.filled_from_catalogue:
        lines = ", ".join(str(n) for n in result.filled_from_catalogue[:50])
        more = " ..." if len(result.filled_from_catalogue) > 50 else ""
        out(_("Filled from the article catalogue: line(s) {lines}").format(lines=lines + more))


def _print_rejects(ctx: Any, result: Any) -> None:
    rejected = result.rejected_rows()
    if not rejected.height:
        return
    limit = ctx.args.max_rejects
    shown = rejected if limit <= 0 else rejected.head(limit)
    ctx.out(_("Rejects (line, column, value, reason):"))
    for line, column, value, reason in shown.select(
            "line", "column", "value", "reason").iter_rows():
        ctx.out(safe_text(f"  {line:>8}  {column or '-'}  {value!r}  {reason}", one_line=True))
    if shown.height < rejected.height:
        ctx.out(_("  ... {n} more; use --json, --max-rejects 0 or --rejects-out PATH").format(
            n=fmt.count(rejected.height - shown.height)))


def _wrote(ctx: Any, out_path: str | None, exported: int) -> None:
    if out_path:
        ctx.out(safe_text(_("Wrote {n} rejected row(s) to {path}").format(
            n=fmt.count(exported), path=out_path), one_line=True))


def run_check(ctx: Any) -> int:
    _path, result = _check(ctx)
    out_path, exported = _export(ctx, result)
    if ctx.args.json:
        extra = {"rejects_out": out_path, "exported": exported} if out_path else {}
        write_json_parts(result.iter_json(extra))
        return 0
    _print_result(ctx, result)
    _wrote(ctx, out_path, exported)
    return 0


def run_commit(ctx: Any) -> int:
    from mwtui.importers.webfakt import commit
    from mwtui.workspace.errors import MwtuiError

    path, result = _check(ctx)
    reserved = _reserve(ctx)  # an unwritable PATH is refused before anything is committed
    try:
        done = commit(ctx.workspace, result, path)
    except BaseException:
        if reserved is not None:
            reserved.discard()
        raise
    try:
        out_path, exported = _export(ctx, result, reserved)
    except MwtuiError as err:  # committed all the same: say so, with the batch id
        _report_commit(ctx, result, done, None, 0)
        print(f"mwtui: {err}", file=sys.stderr)
        return 1
    _report_commit(ctx, result, done, out_path, exported)
    return 0


def _report_commit(ctx: Any, result: Any, done: Any, out_path: str | None,
                   exported: int) -> None:
    if ctx.args.json:
        data = {**result.to_json(), **done.to_json()}
        if out_path:
            data.update(rejects_out=out_path, exported=exported)
        write_json(data)
        return
    _print_result(ctx, result)
    if done.batch_id:
        ctx.out(_("Committed {n} service(s) as batch {batch} (undo: mwtui undo {batch}).")
                .format(n=fmt.count(done.committed), batch=done.batch_id))
        if done.already_imported:
            ctx.out(_("Skipped {n} row(s) committed meanwhile.").format(
                n=fmt.count(done.already_imported)))
    elif result.accepted or result.reasons.get("already_imported"):
        again = result.accepted + result.reasons.get("already_imported", 0)
        ctx.out(_("Nothing new: {n} row(s) were already imported; nothing was added.").format(
            n=fmt.count(again)))
    else:
        ctx.out(_("Nothing committed: no row was accepted."))
    _wrote(ctx, out_path, exported)


def run_catalogue(ctx: Any) -> int:
    from mwtui.importers.webfakt.catalogue import import_articles, import_customers

    path = resolve_input_file(ctx.args.file)
    kind = ctx.args.catalogue_kind
    runner = import_articles if kind == "articles" else import_customers
    result = runner(ctx.workspace, path)
    if ctx.args.json:
        write_json(result.to_json())
        return 0
    what = _("Articles") if kind == "articles" else _("Customers")
    ctx.out(safe_text(_("{what} from {file} ({encoding}): {rows} row(s), {created} created, "
                        "{updated} updated, {unchanged} unchanged, {rejected} rejected; batch "
                        "{batch}").format(
        what=what, file=result.file_name, encoding=result.encoding,
        rows=fmt.count(result.rows), created=fmt.count(result.created),
        updated=fmt.count(result.updated), unchanged=fmt.count(result.unchanged),
        rejected=fmt.count(result.rejected), batch=result.batch_id), one_line=True))
    for rej in result.rejects:
        ctx.out(safe_text(f"  line {rej.line}  {rej.column or '-'}  {rej.value!r}  "
                          f"{rej.reason}: {rej.message}", one_line=True))
    return 0
