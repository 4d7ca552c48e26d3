"""Contacts -> customers: the customer index, the one upsert, and ``import_contacts``.

A customer is linked to a remote contact by (integration, external id) in its ``sources``;
an unlinked customer with the same number and name is taken over instead of duplicated.
"""

from __future__ import annotations

import threading
from typing import Any

from mwtui.importers.accounting.protocol import AccountingClient, RemoteContact
from mwtui.importers.accounting.sync_run import ProgressFn, SyncResult, SyncRun
from mwtui.workspace.models import CONTACT_FIELDS, Customer, ItemReport, now_iso
from mwtui.workspace.store import Doc, Snapshot, Transaction, Workspace


def customer_fields(contact: RemoteContact) -> dict[str, str]:
    """The customer fields an import owns, from a remote contact."""
    fields = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    fields["name"] = contact.name or contact.number or contact.external_id
    return fields


class CustomerIndex:
    """(integration, external id) -> customer id, built once per transaction."""

    def __init__(self, tx: Transaction | Snapshot, integration: str) -> None:
        self.integration = integration
        self.by_source: dict[tuple[str, str], int] = {}
        self.by_number_name: dict[tuple[str, str], int] = {}
        for doc_id, doc in tx.items("customers"):
            linked = False
            for link in doc.get("sources") or []:
                key = (str(link.get("integration")), str(link.get("external_id")))
                self.by_source.setdefault(key, doc_id)
                linked = linked or key[0] == integration
            if not linked and doc.get("number"):
                natural = (str(doc["number"]), str(doc.get("name", "")).casefold())
                self.by_number_name.setdefault(natural, doc_id)

    def find(self, external_id: str | None) -> int | None:
        if not external_id:
            return None
        return self.by_source.get((self.integration, external_id))


def upsert_customer(
    tx: Transaction, index: CustomerIndex, contact: RemoteContact, batch_id: str,
    changes: dict[str, list[Any]] | None = None,
) -> tuple[int, str]:
    """Create or update the customer linked to a remote contact; never duplicates.

    ``changes`` (if given) receives the changed fields as ``{field: [old, new]}``.
    """
    fields = customer_fields(contact)
    link = {"integration": contact.integration, "external_id": contact.external_id,
            "change_marker": contact.change_marker}
    doc_id = index.find(contact.external_id)
    if doc_id is None and contact.number:
        # an unlinked customer with the same number and name is the same customer
        doc_id = index.by_number_name.pop((contact.number, fields["name"].casefold()), None)
    if doc_id is None:
        customer = Customer(**fields, sources=[link], batch=batch_id)
        new_id = tx.insert("customers", customer.to_record())
        index.by_source[(contact.integration, contact.external_id)] = new_id
        return new_id, "created"
    doc = tx.get("customers", doc_id) or {}
    sources = [dict(s) for s in doc.get("sources") or []]
    mine = [s for s in sources if s.get("integration") == contact.integration
            and str(s.get("external_id")) == contact.external_id]
    changed_fields = {k: v for k, v in fields.items() if doc.get(k, "") != v}
    if changes is not None:
        changes.update({k: [doc.get(k, ""), v] for k, v in changed_fields.items()})
    if mine:
        marker_changed = mine[0].get("change_marker") != contact.change_marker
        mine[0]["change_marker"] = contact.change_marker
    else:
        sources.append(link)
        marker_changed = True
    index.by_source[(contact.integration, contact.external_id)] = doc_id
    if not changed_fields and not marker_changed:
        return doc_id, "unchanged"
    update: Doc = {"sources": sources}
    if changed_fields:
        update.update(changed_fields)
        update["updated"] = now_iso()
    tx.update("customers", doc_id, update)
    return doc_id, "updated" if changed_fields or not mine else "unchanged"


class ContactImport:
    """All customer contacts of a client as customers, committed in chunks."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.pending: list[RemoteContact] = []
        self.seen: set[str] = set()

    def execute(self) -> SyncResult:
        self.run.start()
        self.run.report("listing")
        return self.run.execute(self.read_all, self.flush)

    def read_all(self) -> None:
        run = self.run
        for contact in run.iterate(run.client.list_contacts()):
            run.result.listed += 1
            if contact.archived or contact.external_id in self.seen:
                continue
            self.seen.add(contact.external_id)
            self.pending.append(contact)
            run.done += 1
            run.report("contacts")
            if run.chunk_due(len(self.pending)):
                self.flush()
        self.flush()

    def flush(self) -> None:
        """Commit the pending contacts (each one is complete) in one transaction."""
        if not self.pending:
            return
        chunk, self.pending = self.pending, []
        self.run.commit(lambda tx: self._save(tx, chunk))
        self.run.report("saving")

    def _save(self, tx: Transaction, chunk: list[RemoteContact]) -> None:
        result = self.run.result
        index = CustomerIndex(tx, self.run.client.integration)
        for contact in chunk:
            changes: dict[str, list[Any]] = {}
            try:
                _, status = upsert_customer(tx, index, contact, result.batch_id, changes)
            except Exception as err:  # one bad record does not stop the others
                self.run.fail_item(contact.external_id, err, contact.number or "")
                continue
            setattr(result, status, getattr(result, status) + 1)
            if status != "unchanged":
                result.items.append(ItemReport(contact.external_id, contact.number or "",
                                               status, changes if status == "updated" else {}))


def import_contacts(
    workspace: Workspace,
    client: AccountingClient,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    details: dict[str, Any] | None = None,
) -> SyncResult:
    """Import all customer contacts of ``client`` as customers (create / update / unchanged).

    ``details`` is stored in the batch record (e.g. ``{"sandbox": True}``).
    """
    run = SyncRun(workspace, client, "contacts", progress, cancel, details=details)
    return ContactImport(run).execute()
