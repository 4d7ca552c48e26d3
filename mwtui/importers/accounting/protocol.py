"""The shared protocol of the accounting-tool clients and the records they return.

Clients only read: nothing here may change data in the operator's accounting tool.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

Period = Literal["today", "week", "month", "all"]
PERIODS: tuple[Period, ...] = ("today", "week", "month", "all")
OrderKind = Literal["orderconfirmation", "quotation"]
ORDER_KINDS: tuple[OrderKind, ...] = ("orderconfirmation", "quotation")


@dataclass(frozen=True)
class PeriodWindow:
    """A half-open window ``[start, end)`` in the business timezone; ``None`` = open."""

    start: datetime | None
    end: datetime | None
    first_day: date | None
    last_day: date | None  # inclusive, for APIs that filter by calendar day

    def contains(self, moment: datetime | None) -> bool:
        """Whether an aware datetime lies in the window (``None`` only matches "all")."""
        if self.start is None and self.end is None:
            return True
        if moment is None:
            return False
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )

    def contains_day(self, day: date | None) -> bool:
        if self.first_day is None:
            return True
        if day is None:
            return False
        return self.first_day <= day <= (self.last_day or day)


def period_window(period: Period, tz: ZoneInfo, now: datetime | None = None) -> PeriodWindow:
    """Today / this week (Monday to today) / this month / all, in the business timezone."""
    if period == "all":
        return PeriodWindow(None, None, None, None)
    current = (now or datetime.now(tz)).astimezone(tz)
    today = current.date()
    if period == "today":
        first = today
    elif period == "week":
        first = today - timedelta(days=today.weekday())
    elif period == "month":
        first = today.replace(day=1)
    else:
        raise ValueError(f"unknown period {period!r}")
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz)
    return PeriodWindow(start, end, first, today)


@dataclass(frozen=True)
class RemoteContact:
    """A customer contact as read from an accounting tool, normalised."""

    integration: str
    external_id: str
    name: str
    change_marker: str | None = None
    number: str = ""
    street: str = ""
    zip: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    archived: bool = False


@dataclass(frozen=True)
class RemoteOrder:
    """An order confirmation (or quotation) as read from an accounting tool.

    ``complete`` is False when only the list entry is known (lexware voucherlist);
    ``AccountingClient.get_order`` then returns the full record.
    """

    integration: str
    external_id: str
    number: str
    change_marker: str | None = None
    kind: str = "orderconfirmation"
    title: str = ""
    contact_external_id: str | None = None
    contact_name: str = ""
    created: datetime | None = None
    valid_from: date | None = None
    net_amount: Decimal | None = None
    gross_amount: Decimal | None = None
    currency: str = "EUR"
    status: str = ""
    complete: bool = True
    related_delivery_note_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteDeliveryNote:
    """A delivery note belonging to an order, with what is needed to download its PDF."""

    integration: str
    external_id: str
    order_external_id: str
    number: str = ""
    change_marker: str | None = None
    remote_file_name: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Capabilities:
    """What an integration offers an import, read from its client class (no instance)."""

    order_kinds: tuple[OrderKind, ...]
    delivery_notes: bool
    period_basis: str

    @classmethod
    def of(cls, client: object) -> Capabilities:
        """The capabilities a client class (or client) declares."""
        return cls(tuple(getattr(client, "order_kinds", ("orderconfirmation",))),
                   bool(getattr(client, "supports_delivery_notes", False)),
                   str(getattr(client, "period_basis", "created")))


@runtime_checkable
class AccountingClient(Protocol):
    """What the sync engine needs from sevDesk, bexio and lexware Office (read-only).

    The class attributes below are its capabilities (:class:`Capabilities`).
    """

    integration: str
    #: The order kinds mwtui imports from it (lexware Office: also quotations).
    order_kinds: tuple[OrderKind, ...]
    #: False for bexio: it has no delivery notes to import (stated here, not by an error).
    supports_delivery_notes: bool
    #: "created" (sevDesk, lexware) or "valid_from" (bexio has no creation date on orders).
    period_basis: str

    def account_info(self) -> str:
        """One cheap request; a short text naming the account reached."""
        ...

    def list_contacts(self) -> Iterator[RemoteContact]:
        """All customer contacts, every page; archived ones are filtered out."""
        ...

    def get_contact(self, external_id: str) -> RemoteContact | None:
        """One contact by id (for an order whose contact is not yet imported)."""
        ...

    def list_orders(self, period: Period, kind: OrderKind = "orderconfirmation") -> Iterator[
        RemoteOrder
    ]:
        """Orders in the period, with their change marker (maybe incomplete summaries)."""
        ...

    def get_order(self, order: RemoteOrder) -> RemoteOrder:
        """The full order for a summary (returns it unchanged when already complete)."""
        ...

    def delivery_notes(
        self, orders: Sequence[RemoteOrder], known: Set[str] = frozenset(),
        updated_since: datetime | None = None,
    ) -> list[RemoteDeliveryNote]:
        """Delivery notes of these orders whose ids are not in ``known``.

        ``updated_since``: every note of these orders last changed before then was already
        examined by an earlier run, so the client may ask the source only for notes changed
        since (where its API filters by update time)."""
        ...

    def download_delivery_note(self, note: RemoteDeliveryNote) -> bytes:
        """The PDF bytes (checked: ``%PDF-`` start, size cap)."""
        ...

    def close(self) -> None: ...
