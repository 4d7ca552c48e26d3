"""Activity types: list, add, rename, move. The default type stays the default.

Imports always land in the default type (the one with ``is_default``). Nothing here ever
changes ``is_default``: renaming or reordering cannot move the default to another type.
Every write runs in one ``workspace.transaction()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mwtui.workspace.problems import N_, Problem
from mwtui.workspace.store import Snapshot, Transaction, Workspace

MAX_NAME = 60



class TypeProblem(Problem):
    """A refused change; ``template`` is an English msgid with ``fields`` to fill in."""


NEEDS_NAME = N_("A type needs a name; type one and press Enter.")
TOO_LONG = N_("Type names are at most {max} characters long.")
EXISTS = N_("A type named {name} already exists; choose another name.")
GONE = N_("That type no longer exists; reload the list.")


@dataclass(frozen=True)
class TypeRow:
    """One activity type as listed: id, name, position and whether it is the default."""

    id: int
    name: str
    position: int
    is_default: bool


def _ordered(items: Any) -> list[tuple[int, dict[str, Any]]]:
    return sorted(items("activity_types"), key=lambda it: (int(it[1].get("position", 0)), it[0]))


def list_types(snapshot: Snapshot) -> list[TypeRow]:
    """All types in their display order."""
    return [
        TypeRow(doc_id, str(doc.get("name", "")), int(doc.get("position", 0)),
                bool(doc.get("is_default", False)))
        for doc_id, doc in _ordered(snapshot.items)
    ]


def default_type_id(snapshot: Snapshot) -> int | None:
    """The id of the default type (``is_default``), or None in a broken workspace."""
    for doc_id, doc in snapshot.items("activity_types"):
        if doc.get("is_default"):
            return doc_id
    return None


def _clean_name(name: str) -> str:
    value = " ".join(str(name).split())
    if not value:
        raise TypeProblem(NEEDS_NAME)
    if len(value) > MAX_NAME:
        raise TypeProblem(TOO_LONG, max=MAX_NAME)
    return value


def _check_unique(tx: Transaction, name: str, except_id: int | None = None) -> None:
    for doc_id, doc in tx.items("activity_types"):
        if doc_id != except_id and str(doc.get("name", "")).casefold() == name.casefold():
            raise TypeProblem(EXISTS, name=repr(name))


def add_type(workspace: Workspace, name: str) -> int:
    """Add a (non-default) type at the end; returns its id."""
    value = _clean_name(name)
    with workspace.transaction() as tx:
        _check_unique(tx, value)
        position = max((int(d.get("position", 0)) for _, d in tx.items("activity_types")),
                       default=-1) + 1
        return tx.insert("activity_types",
                         {"name": value, "position": position, "is_default": False})


def rename_type(workspace: Workspace, type_id: int, name: str) -> None:
    """Rename a type; its default flag is left exactly as it was."""
    value = _clean_name(name)
    with workspace.transaction() as tx:
        if tx.get("activity_types", type_id) is None:
            raise TypeProblem(GONE)
        _check_unique(tx, value, except_id=type_id)
        tx.update("activity_types", type_id, {"name": value})


def move_type(workspace: Workspace, type_id: int, delta: int) -> None:
    """Move a type ``delta`` places up (negative) or down; positions become 0..n-1."""
    with workspace.transaction() as tx:
        order = [doc_id for doc_id, _ in _ordered(tx.items)]
        if type_id not in order:
            raise TypeProblem(GONE)
        old = order.index(type_id)
        new = max(0, min(len(order) - 1, old + delta))
        order.insert(new, order.pop(old))
        for position, doc_id in enumerate(order):
            doc = tx.get("activity_types", doc_id)
            if doc is not None and doc.get("position") != position:
                tx.update("activity_types", doc_id, {"position": position})


def ensure_default_type(tx: Transaction) -> int:
    """The default type's id inside a transaction; a workspace without one gets one.

    Used by the sync engine: imports always land in this type. An existing default is
    returned as it is (never renamed, moved or replaced).
    """
    defaults = sorted(doc_id for doc_id, doc in tx.items("activity_types")
                      if doc.get("is_default"))
    if defaults:
        return defaults[0]
    position = min((int(d.get("position", 0)) for _, d in tx.items("activity_types")),
                   default=0) - 1
    return tx.insert("activity_types", {"name": "Auftrag", "position": position,
                                        "is_default": True})
