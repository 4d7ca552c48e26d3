"""Typed errors of the accounting-tool clients, and the one sentence an operator sees.

Every message is one or two sentences an operator can act on. No message ever contains a
token: texts that come from a server are scrubbed of the token before they are used.
"""

from __future__ import annotations

from mwtui.workspace.errors import ApiError


class ClientError(ApiError):
    """Base of the client errors; ``integration`` and ``status`` are kept for the caller."""

    #: True when the server stopped the run midway (silent, endless, rate-limited, down):
    #: what was complete before stays committed and the batch is shown as "interrupted".
    interrupts_import = False

    def __init__(self, message: str, *, integration: str = "", status: int | None = None):
        super().__init__(message)
        self.integration = integration
        self.status = status


class TokenRejected(ClientError):
    """401/403: the token is wrong, expired, revoked or lacks a permission."""


class NotFound(ClientError):
    """404 (or sevDesk's error code 151): the record does not exist (any more)."""


class RateLimited(ClientError):
    """429 that did not clear within the retry budget."""

    interrupts_import = True


class ServerError(ClientError):
    """5xx that did not clear within the retry budget."""

    interrupts_import = True


class NetworkUnreachable(ClientError):
    """No connection, DNS failure or timeouts that did not clear within the retry budget."""

    interrupts_import = True


class UnexpectedResponse(ClientError):
    """Not JSON, an HTML error page, or JSON of the wrong shape."""


class BudgetExceeded(UnexpectedResponse):
    """A listing went on past the pages its own totals allow (a server that never ends)."""

    interrupts_import = True


class RequestRejected(ClientError):
    """Another 4xx (400, 405, 406, 409, 415, 422, ...) or an error object in a 200 answer."""


class DocumentNotReady(ClientError):
    """The PDF of a document cannot be downloaded yet (e.g. a draft: lexware 406/409)."""


class DocumentRefused(ClientError):
    """A downloaded attachment is not a PDF or is larger than the size cap."""


class WriteRefused(ClientError):
    """A request that could change data was blocked before it was sent (programming error)."""


class NotSupported(ClientError):
    """The integration has no such thing (e.g. bexio delivery notes)."""


__all__ = [
    "BudgetExceeded",
    "ClientError",
    "DocumentNotReady",
    "DocumentRefused",
    "NetworkUnreachable",
    "NotFound",
    "NotSupported",
    "RateLimited",
    "RequestRejected",
    "ServerError",
    "TokenRejected",
    "UnexpectedResponse",
    "WriteRefused",
    "error_sentence",
]


def error_sentence(err: BaseException, limit: int = 500) -> str:
    """The one sentence an operator sees for ``err``: its first line (or its type name)."""
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:limit]
