"""Plain-text output for the CLI: tables that fit the terminal, JSON.

Everything the CLI prints goes through :func:`echo` (or :func:`clean` for a question asked with click), which
cleans it with :func:`relterm.sanitize.clean_for_terminal`: the database may hold text that never
passed the cleaning on the way in (an older relterm, a backup edited by hand, sqlite3), and escape
sequences in it would clear the screen, retitle the window or write the clipboard.
Do not call ``click.echo`` or ``print`` elsewhere in ``relterm.cli``; a test looks.
"""

from __future__ import annotations

import functools
import gc
import json
import sys
from typing import Sequence

import click

from ..sanitize import clean_for_terminal, escape_json_text


def echo(message: object = "", *, err: bool = False, nl: bool = True, crlf: bool = False) -> None:
    """Print ``message`` (to stderr with ``err``), cleaned for the terminal. ``crlf`` keeps the
    carriage returns that end lines (vCard and CSV exports are written with CRLF)."""
    click.echo(clean_for_terminal(str(message), crlf=crlf), err=err, nl=nl)


def last_words(message: object) -> None:
    """One cleaned line on stderr when the streams themselves may be broken (a closed stdout, bad
    arguments): plain ``print``, no click, and nothing raised if even stderr is gone."""
    import sys

    try:
        print(clean_for_terminal(str(message)), file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


def clean(text: object) -> str:
    """One piece of text cleaned as :func:`echo` would: for a prompt or a confirmation question."""
    return clean_for_terminal(str(text))


def paused_gc(func):
    """Run ``func`` with the cycle collector paused.

    Listing 100k contacts allocates several hundred thousand small objects
    and no reference cycles; the collector's repeated passes over them cost
    about a fifth of the time. Whatever garbage there is goes when it resumes.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


def echo_json(data) -> None:
    """Print ``data`` as JSON. A long list prints one compact object per line:
    still valid JSON, and several times faster than indenting (the indenting
    encoder is pure Python; the compact one is C)."""
    if isinstance(data, list) and len(data) > 50:
        encode = json.JSONEncoder(ensure_ascii=False).encode
        body = ",\n  ".join(map(encode, data))
        echo(escape_json_text(f"[\n  {body}\n]"))
        return
    # ensure_ascii=False keeps names readable; json escapes C0 controls itself, and the characters
    # it leaves raw that a terminal acts on (C1, bidi, invisible) are escaped here, not removed.
    echo(escape_json_text(json.dumps(data, indent=2, ensure_ascii=False)))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, flexible: int = 0) -> str:
    """Columns padded to their widest cell; column ``flexible`` shrinks to fit the terminal.

    Cells are cleaned for the terminal before they are measured (a line break or an escape
    sequence in a cell would break the columns); one search over all of them tells when to."""
    if _needs_cleaning(rows):
        rows = [[" ".join(clean_for_terminal(cell).split("\n")).replace("\t", " ") for cell in row] for row in rows]
    widths = [_cells(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            length = _cells(cell)
            if length > widths[i]:
                widths[i] = length
    if sys.stdout.isatty():
        import shutil  # only for a terminal; shutil pulls in the compression modules

        total = shutil.get_terminal_size((100, 24)).columns
        excess = sum(widths) + 2 * (len(widths) - 1) - total
        if excess > 0:
            widths[flexible] = max(_cells(headers[flexible]), widths[flexible] - excess, 8)
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [_pad(_fit(cell, w), w) for cell, w in zip(row, widths)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cells(text: str) -> int:
    """The width of ``text`` in terminal cells: wide (CJK, most emoji) take two, combining marks and
    zero-width characters none. The standard library's Unicode tables: the command line loads no
    Rich (the TUI measures with rich.cells, which agrees on these)."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(char) for char in text)


def _char_cells(char: str) -> int:
    import unicodedata

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _cells(text), 0)


def _needs_cleaning(rows: Sequence[Sequence[str]]) -> bool:
    joined = " ".join(" ".join(row) for row in rows)
    return "\n" in joined or "\t" in joined or clean_for_terminal(joined) != joined


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis (never half of a wide character)."""
    if _cells(text) <= width:
        return text
    if text.isascii():
        return text[: max(width - 1, 0)] + "…"
    room, cut = max(width - 1, 0), 0
    for index, char in enumerate(text):
        room -= _char_cells(char)
        if room < 0:
            break
        cut = index + 1
    return text[:cut] + "…"
