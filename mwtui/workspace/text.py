"""Display helpers for hostile text: control characters never reach the terminal.

Raw values stay untouched in the store and in exports; only what is shown is cleaned.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/
# isolate characters that can reorder what an operator reads.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_UNSAFE_ONE_LINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]"
)
REPLACEMENT = "\ufffd"


def safe_text(value: object, one_line: bool = False) -> str:
    """``value`` as text with terminal control and bidi characters replaced by U+FFFD.

    With ``one_line`` tabs and line breaks become spaces (for table cells).
    """
    text = "" if value is None else str(value)
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
        return _UNSAFE_ONE_LINE.sub(REPLACEMENT, text)
    return _UNSAFE.sub(REPLACEMENT, text)


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters with an ellipsis."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
