"""The text of a delivery-note PDF, for reading it inside the terminal (pypdf).

Bounded: at most ``max_pages`` pages and ``max_chars`` characters are extracted, so a huge
PDF costs a bounded amount of time and memory. Never raises for a bad file: a damaged,
encrypted or text-less PDF gives a :class:`PdfText` with ``problem`` set. The text is
cleaned of terminal control characters (it comes from outside).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from mwtui.workspace.problems import N_
from mwtui.workspace.text import safe_text

MAX_PAGES = 50
MAX_CHARS = 200_000
MAX_FILE_BYTES = 25 * 1024 * 1024



# Problems, as English message ids the screens and the CLI translate.
NO_TEXT = N_("This PDF contains no text (probably a scan); save it and open it elsewhere.")
DAMAGED = N_("This PDF is damaged and cannot be read: {detail}")
ENCRYPTED = N_("This PDF is password-protected; its text cannot be shown.")
MISSING = N_("The file is missing from the attachments folder: {detail}")


@dataclass(frozen=True)
class PdfText:
    """What a PDF says: its page count, the extracted text, or why there is none."""

    pages: int = 0
    pages_read: int = 0
    texts: tuple[str, ...] = ()  # one per page read, cleaned
    truncated: bool = False
    problem: str | None = None  # one of the msgids above
    detail: str = ""


def _quiet_pypdf() -> None:
    """pypdf logs warnings about sloppy PDFs; they must not land on the terminal."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_text(path: os.PathLike[str] | str, max_pages: int = MAX_PAGES,
                 max_chars: int = MAX_CHARS) -> PdfText:
    """The text of the PDF at ``path`` (page by page, bounded), or the problem."""
    try:
        size = os.path.getsize(path)
    except OSError as err:
        return PdfText(problem=MISSING, detail=safe_text(err.strerror or str(err), True))
    if size > MAX_FILE_BYTES:
        return PdfText(problem=DAMAGED, detail=f"{size} bytes")
    _quiet_pypdf()
    try:
        from pypdf import PdfReader

        reader = PdfReader(os.fspath(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return PdfText(problem=ENCRYPTED)
        pages = len(reader.pages)
        parts: list[str] = []
        left = max_chars
        for page in reader.pages[:max_pages]:
            text = (page.extract_text() or "")[:left]
            parts.append(safe_text(text))
            left -= len(text)
            if left <= 0:
                break
    except Exception as err:  # pypdf raises many kinds of errors for broken files
        return PdfText(problem=DAMAGED, detail=safe_text(f"{type(err).__name__}: {err}", True))
    truncated = len(parts) < pages or left <= 0
    if not any(part.strip() for part in parts):
        return PdfText(pages=pages, pages_read=len(parts), problem=NO_TEXT)
    return PdfText(pages=pages, pages_read=len(parts), texts=tuple(parts), truncated=truncated)
