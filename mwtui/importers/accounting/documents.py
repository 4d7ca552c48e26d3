"""PDF bytes as the APIs send them: size-capped, checked, base64-decoded.

The clients refuse a download here (:class:`~mwtui.importers.accounting.errors.DocumentRefused`)
before anything reaches the attachments folder; :mod:`.attachments` checks again on write.
"""

from __future__ import annotations

import base64
import binascii

from mwtui.importers.accounting.attachments import MAX_PDF_BYTES, pdf_problem
from mwtui.importers.accounting.errors import DocumentRefused


def check_pdf(data: bytes, label: str, what: str, cap: int = MAX_PDF_BYTES) -> bytes:
    """Refuse bytes that are not a PDF or exceed ``cap``."""
    problem = pdf_problem(data, cap)
    if problem == "too_large":
        raise DocumentRefused(
            f"{label} sent {what} of {len(data) // (1024 * 1024)} MB, more than the "
            f"{cap // (1024 * 1024)} MB mwtui accepts; it was not saved.")
    if problem is not None:
        raise DocumentRefused(
            f"{label} sent {what} that is not a PDF; it was not saved. Open the document in "
            f"{label} and check that it can be printed as PDF.")
    return data


def decode_base64_pdf(payload: str | bytes, label: str, what: str,
                      cap: int = MAX_PDF_BYTES) -> bytes:
    """Base64 text of a PDF -> bytes (size-checked before decoding)."""
    raw = payload.encode("ascii", "replace") if isinstance(payload, str) else payload
    if len(raw) > cap * 4 // 3 + 16:
        raise DocumentRefused(
            f"{label} sent {what} larger than the {cap // (1024 * 1024)} MB mwtui accepts; "
            "it was not saved.")
    try:
        data = base64.b64decode(b"".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        raise DocumentRefused(f"{label} sent {what} with broken base64 content; "
                              "it was not saved.") from None
    return check_pdf(data, label, what, cap)
