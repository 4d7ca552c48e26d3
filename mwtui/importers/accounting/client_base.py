"""What the three clients share: construction from Config, the HTTP layer, clocks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from mwtui.importers.accounting import wire
from mwtui.importers.accounting.attachments import MAX_PDF_BYTES
from mwtui.importers.accounting.errors import BudgetExceeded, UnexpectedResponse
from mwtui.importers.accounting.http import ApiHttp, RetryPolicy
from mwtui.importers.accounting.protocol import OrderKind
from mwtui.importers.accounting.ratelimit import Clock, Limiter, Sleep
from mwtui.workspace.config import Config

#: A listing that reports no total may have at most this many entries (200 pages of 1,000).
MAX_LIST_ENTRIES = 200_000


def page_budget(total: int | None, page_size: int) -> int:
    """How many pages a listing may take: its reported total plus two, else the cap."""
    if total is None or total < 0:
        total = MAX_LIST_ENTRIES
    return min(-(-total // page_size), -(-MAX_LIST_ENTRIES // page_size)) + 2


def split_budget(total: int, days: int, per_range: int) -> int:
    """How many halvings a date range of ``days`` days with ``total`` entries can need when
    totals are true: at each of ``log2(days)`` levels at most ``total / per_range`` ranges
    are still too big."""
    depth = max(1, days.bit_length())
    return (-(-total // per_range)) * depth + 1


class BaseClient:
    """Common plumbing. Subclasses set ``integration``, ``label`` and build ``self.http``."""

    integration = ""
    label = ""
    order_kinds: tuple[OrderKind, ...] = ("orderconfirmation",)
    supports_delivery_notes = True
    period_basis = "created"
    auth_scheme: str | None = "Bearer"
    token_hint = ""
    allow_search_post = False
    #: Downloaded PDFs larger than this are refused.
    max_pdf_bytes = MAX_PDF_BYTES

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        now: Callable[[], datetime] | None = None,
        limiter: Limiter | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.tz: ZoneInfo = config.timezone
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._now = now or (lambda: datetime.now(self.tz))
        self.http = ApiHttp(
            integration=self.integration,
            label=self.label,
            base_url=config.base_url(self.integration),
            token=config.token(self.integration).token,
            auth_scheme=self.auth_scheme,
            token_hint=self.token_hint,
            allow_search_post=self.allow_search_post,
            transport=transport,
            limiter=limiter or self.make_limiter(self._clock, self._sleep),
            sleep=self._sleep,
            retry=retry,
        )

    def now(self) -> datetime:
        """The current time in the business timezone (injectable for tests)."""
        return self._now()

    def make_limiter(self, clock: Clock, sleep: Sleep) -> Limiter:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.http.base_url!r})"

    def over_budget(self, what: str, pages: int) -> BudgetExceeded:
        """The error for a listing that went on past ``pages`` pages."""
        return BudgetExceeded(
            f"{self.label} kept sending more {what} than it announced (over {pages} pages); "
            "mwtui stopped reading there. What was complete before is kept. Try again "
            "later; if it persists, report it with the output of --debug.",
            integration=self.integration)

    @property
    def rate_limited(self) -> int:
        """How many 429 answers this client has seen (each slowed the pace)."""
        return self.http.rate_limited

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent (retries included)."""
        return self.http.requests_sent

    def offset_pages(self, fetch: Callable[[int], Sequence[Any]], page_size: int,
                     what: str) -> Iterator[Mapping[str, Any]]:
        """Every object of a limit/offset listing, de-duplicated by id.

        ``fetch(offset)`` returns one page. A short page ends the list, and so does a page
        without new ids (a server that ignores the offset would otherwise loop forever).
        """
        seen: set[str] = set()
        offset = 0
        budget = page_budget(None, page_size)
        for _number in range(budget + 1):
            if _number == budget:
                raise self.over_budget(what, budget)
            page = fetch(offset)
            fresh = 0
            for entry in page:
                with self.reading(what):
                    obj = wire.mapping(entry, "a list entry")
                    ident = wire.ident(obj.get("id"), "a list entry")
                if ident in seen:
                    continue
                seen.add(ident)
                fresh += 1
                yield obj
            if len(page) != page_size or fresh == 0:
                return
            offset += page_size

    @contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """Turn a normaliser's bare UnexpectedResponse into an operator message."""
        try:
            yield
        except UnexpectedResponse as err:
            if err.integration:
                raise
            raise self.http.unexpected(f"{what}: {err}") from None

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
