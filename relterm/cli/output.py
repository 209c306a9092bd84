"""Plain-text output for the CLI: tables that fit the terminal, JSON."""

from __future__ import annotations

import functools
import gc
import json
import sys
from typing import Sequence

import click


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
        click.echo(f"[\n  {body}\n]")
        return
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, flexible: int = 0) -> str:
    """Columns padded to their widest cell; column ``flexible`` shrinks to fit the terminal."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    if sys.stdout.isatty():
        import shutil  # only for a terminal; shutil pulls in the compression modules

        total = shutil.get_terminal_size((100, 24)).columns
        excess = sum(widths) + 2 * (len(widths) - 1) - total
        if excess > 0:
            widths[flexible] = max(len(headers[flexible]), widths[flexible] - excess, 8)
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [_fit(cell, w).ljust(w) for cell, w in zip(row, widths)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
