"""Errors the core raises for bad input. Every client shows ``str(error)``.

The CLI turns each into one line on stderr and exit status 2; the TUI into a
notification. None of them should ever surface as a traceback.
"""

from __future__ import annotations


class RelTermError(Exception):
    """Base class: a problem the user can fix. Exit status 2."""

    exit_code = 2


class ConfigError(RelTermError):
    """The ladder config (or a theme file) is broken."""


class InputError(RelTermError):
    """A value given on the command line or in a form is not acceptable."""


class AskTooEarly(InputError):
    """An ask logged below the level where asking is appropriate, without confirmation (relterm.rules)."""

    def __init__(self, warning: str):
        self.warning = warning
        super().__init__(f"{warning}; pass --force to log the ask anyway")


class NotFoundError(RelTermError):
    """No contact matches what the user typed."""


class AmbiguousError(RelTermError):
    """Several contacts match what the user typed."""

    def __init__(self, query: str, candidates: list[tuple[int, str]]):
        self.query = query
        self.candidates = candidates
        lines = [f'"{query}" matches {len(candidates)} contacts; say which one:']
        lines += [f"  {name} (id {cid})" for cid, name in candidates[:20]]
        if len(candidates) > 20:
            lines.append(f"  ... and {len(candidates) - 20} more")
        lines.append("Use the id or more of the name.")
        super().__init__("\n".join(lines))


class ConflictError(RelTermError):
    """The record changed (in another window or process) since the form editing it was opened."""


class DuplicateNameError(InputError):
    """A contact of that name (case and accents aside) exists, and adding another was not asked for."""

    def __init__(self, name: str, existing: list[tuple[int, str]], flag: str = "--duplicate"):
        self.name = name
        self.existing = existing
        who = ", ".join(f"{other} (id {cid})" for cid, other in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        super().__init__(f"{who}{more} already exists; nothing was added. Pass {flag} to add another "
                         f'"{name}", or `relterm merge` two that are the same person')
