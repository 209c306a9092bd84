"""Cleaning text that reaches the database or the terminal.

Text comes from users, vCards and CSV exports. Escape sequences in it would
be passed to the terminal verbatim (clear screen, change the window title,
write the clipboard), so every text field is cleaned before it is stored.
"""

from __future__ import annotations

import re

# Whole escape sequences first (CSI ... final byte, OSC ... BEL/ST, other
# two-byte ESC sequences), so no "[31m" debris is left behind; then any
# remaining C0/C1 control character except the line breaks and tabs a note may
# hold.
_ESCAPE_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # other Fe sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t]+")
# Text with none of these characters (nor, for one line, two spaces in a row) is only stripped by
# the cleaning below: one search tells, and most text from imports is like that. The double space is
# looked for with ``in``, apart from the character class: a pattern with an alternative takes twice as
# long to search, and imports clean over a dozen fields per contact.
_NEEDS_WORK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]").search
_NEEDS_WORK_LINE = _CONTROL_LINE.search


def clean_text(value: object, *, multiline: bool = True) -> str:
    """Return ``value`` as a string without escape sequences or control characters.

    With ``multiline`` false (names, companies, tags), line breaks and tabs
    become single spaces and the result is stripped.
    """
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if not (_NEEDS_WORK(text) if multiline else (_NEEDS_WORK_LINE(text) or "  " in text)):
        return text.strip()
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPE_SEQ.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", text)
        return text.strip()
    text = _CONTROL_LINE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def clean_line(value: object) -> str:
    """Shorthand for a one-line field: ``clean_text(value, multiline=False)``."""
    if type(value) is str and not (_NEEDS_WORK_LINE(value) or "  " in value):
        return value.strip()
    return clean_text(value, multiline=False)
