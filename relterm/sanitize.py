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


# Output to a terminal ----------------------------------------------------------------
#
# Text read back from a database may never have passed ``clean_text`` (an older relterm, a backup
# written by hand, sqlite3). What goes to the terminal is cleaned again: escape sequences and
# control characters go (line breaks and tabs stay), and so do the invisible characters that let
# one name pass for another or reorder what follows them on the line: bidi overrides, isolates and
# marks, zero-width spaces, word joiners and byte order marks. Joiners between letters (U+200C,
# U+200D; emoji and Indic scripts need them) stay.
_INVISIBLE = "\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_TERMINAL_BAD = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_TERMINAL_BAD_CRLF = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{_INVISIBLE}]|\\r(?!\\n)")
_DISPLAY_BAD_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_JSON_ESCAPE = re.compile(f"[\\x7f-\\x9f{_INVISIBLE}]")
# As ``_ESCAPE_SEQ``, but an unterminated string sequence ends at the line break: output is cleaned
# a whole table at a time, and one bad cell must not swallow the rows after it.
_TERMINAL_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)


def clean_for_terminal(text: str, *, crlf: bool = False) -> str:
    """``text`` safe to write to a terminal: no escape sequences, no control or invisible characters
    but line breaks and tabs (and, with ``crlf``, carriage returns that end a line, as in vCards).
    Nothing else changes: no stripping, so tables keep their padding."""
    bad = _TERMINAL_BAD_CRLF if crlf else _TERMINAL_BAD
    if not bad.search(text):
        return text
    if "\x1b" in text or "\x9b" in text:
        text = _TERMINAL_SEQ.sub("", text)
    return bad.sub("", text)


def needs_display_cleaning(text: str) -> bool:
    """Whether ``clean_for_display`` would change one-line ``text``. Everything it removes is
    non-printable, and ``str.isprintable`` (C) is several times faster than the search."""
    return not text.isprintable() and _DISPLAY_BAD_LINE.search(text) is not None


def clean_for_display(text, *, one_line: bool = True):
    """Text read back from the database, made safe to show (``clean_for_terminal``); with ``one_line``,
    line breaks and tabs become spaces. None stays None; clean text comes back as the same object."""
    if not text or not (_DISPLAY_BAD_LINE if one_line else _TERMINAL_BAD).search(text):
        return text
    text = clean_for_terminal(text)
    return text.replace("\n", " ").replace("\t", " ") if one_line else text


def escape_json_text(encoded: str) -> str:
    """JSON from ``json.dumps(..., ensure_ascii=False)`` with the characters it leaves raw but a
    terminal acts on (DEL, C1 controls, bidi and invisible characters) written as ``\\uXXXX``
    escapes instead. They can only stand inside strings, so the JSON still means the same."""
    if not _JSON_ESCAPE.search(encoded):
        return encoded
    return _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


# Web links ----------------------------------------------------------------------------

URL_MAX = 2048  # longer is no profile link anyone types or exports
_URL_SPACE = re.compile(r"\s")


def clean_url(value: object) -> str:
    """A profile link cleaned (one line, no controls or invisible characters) and checked: an
    ``http://`` or ``https://`` address with a host, no spaces. "" stays "" (no link).
    Raises ``ValueError`` saying what is wrong: other schemes (``javascript:``, ``file:``) are refused."""
    from urllib.parse import urlsplit

    text = clean_line(value)
    if not text:
        return ""
    text = _DISPLAY_BAD_LINE.sub("", text)  # zero-width and bidi characters have no place in a link
    if len(text) > URL_MAX:
        raise ValueError(f"a link of {len(text)} characters is too long (at most {URL_MAX})")
    if _URL_SPACE.search(text):
        raise ValueError("a link cannot hold spaces")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise ValueError("not a web address (check the brackets and the port)") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("give a web address starting with http:// or https://")
    if not host:
        raise ValueError("the link has no host after http(s)://")
    return parts.scheme.lower() + text[len(parts.scheme):]
