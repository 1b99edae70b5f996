"""Text from packets made safe to print on a terminal.

Packet text reaches the terminal in warnings, errors and the diff. Control characters in it
(ESC starting colour codes, screen clearing, OSC 52 clipboard writes; 8-bit CSI; carriage
returns that overwrite a line) and the bidirectional controls that reorder what is shown
are printed escaped instead (`\\x1b`, `<U+202E>`), so that no packet can drive the
terminal. Tabs and line breaks stay. The dataset keeps the exact text; the report shows
the same escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# C0 controls but tab and line feed, DEL, C1 controls; bidi marks, embeddings, overrides
# and isolates; the line and paragraph separators.
UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


def safe(text: str, quote: Callable[[str], str] = str) -> str:
    """Given text for a terminal, return it with control characters shown escaped (each
    escape passed through `quote`, e.g. to be HTML-escaped inside markup)."""
    return UNSAFE.sub(lambda match: quote(_escaped(match)), text)


def one_line(text: str) -> str:
    """Given text for one line of a terminal (an error), return it made `safe` with its
    line breaks and tabs shown escaped too: a file named with a line break in it cannot
    make an error two lines."""
    return safe(text).replace("\n", "\\n").replace("\t", "\\t")


def json_safe(text: str) -> str:
    """Given JSON text, return the same JSON with those characters written as `\\uXXXX`
    escapes (JSON itself escapes only C0 controls): the values read back exactly, and the
    file can be shown on a terminal."""
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
