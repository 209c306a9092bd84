"""The command line's own input and output streams, made to fail in one line.

``relterm list | head -1``, ``relterm list >&-``, ``relterm list > /dev/full``, an output
encoding that cannot show a name (PYTHONIOENCODING=latin-1), bytes that are not UTF-8 in the
arguments or on stdin: each ends with one line on stderr and exit status 2, never a traceback
or Python's "Exception ignored" at exit. A write to the database is one transaction either way:
a failure while reading input rolls it back; a failure while printing comes after it was
committed, and the message says the output, not the change, was lost.

``guard()`` is called once, by ``relterm.cli.main``, before anything else happens.
"""

from __future__ import annotations

import io
import os
import sys

from ..errors import InputError, RelTermError


class OutputError(RelTermError):
    """Standard output cannot take what relterm prints."""


def _argument_problem(args: list[str]) -> str | None:
    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = arg[exc.start:exc.end].encode("utf-8", "surrogateescape")
            return (f"argument {number} is not valid UTF-8 text (byte {bad[:1]!r} at position {exc.start + 1}); "
                    "nothing was done")
    return None


def _stdout_closed() -> bool:
    if sys.stdout is None:
        return True
    try:
        os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
        return not hasattr(sys.stdout, "getvalue")  # an in-memory stream (tests) is fine
    return False


class _GuardedRaw(io.RawIOBase):
    """File descriptor 1 that reports a failed write as ``OutputError``, once, and then
    swallows what is left (so Python's flush at exit has nothing to complain about)."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd
        self._failed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data) -> int:
        if self._failed:
            return len(data)
        try:
            return os.write(self._fd, data)
        except OSError as exc:
            self._failed = True
            import errno

            if exc.errno == errno.EPIPE:
                raise OutputError("the output was closed before relterm finished writing it (broken pipe); "
                                  "any change the command made is saved") from None
            raise OutputError(f"cannot write the output: {exc.strerror or exc}; "
                              "any change the command made is saved") from None

    def close(self) -> None:  # never close fd 1 itself
        self._failed = True
        super().close()


class _GuardedText(io.TextIOWrapper):
    """Standard output: text that cannot be encoded is an ``OutputError`` naming the encoding."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except UnicodeEncodeError as exc:
            raise OutputError(
                f"the output's encoding ({self.encoding}) cannot show {exc.object[exc.start:exc.end]!a}; "
                "use a UTF-8 locale (e.g. LANG=C.UTF-8) or PYTHONIOENCODING=utf-8"
            ) from None


class _CheckedInput(io.TextIOWrapper):
    """Standard input: bytes that are not valid text are an ``InputError``, not a traceback."""

    def _checked(self, call, *args):
        try:
            return call(*args)
        except UnicodeDecodeError as exc:
            raise InputError(f"standard input is not valid {self.encoding} text "
                             f"(byte {exc.object[exc.start:exc.start + 1]!r}); nothing was written") from None

    def read(self, size=-1):
        return self._checked(super().read, size)

    def readline(self, size=-1):
        return self._checked(super().readline, size)

    def readlines(self, hint=-1):
        return list(iter(self.readline, ""))

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def guard(args: list[str], *, app: bool = False) -> None:
    """Check the arguments and standard output, and wrap stdin and stdout so that their failures are
    ``RelTermError``s (one line, exit 2). Exits with status 2 at once when the command cannot run at all.
    ``app``: the full-screen app starts next, which drives the terminal itself (nothing is wrapped)."""
    problem = _argument_problem(args)
    if problem is None and _stdout_closed():
        problem = ("standard output is closed; give relterm somewhere to write "
                   "(a terminal, a file, or > /dev/null)")
    if problem is not None:
        from .output import last_words

        last_words(f"relterm: {problem}")
        sys.exit(2)
    if sys.stdin is None:  # closed: read as empty
        sys.stdin = open(os.devnull, encoding="utf-8")
    if app:
        return
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and not isinstance(out, _GuardedText) and out.fileno() == 1:
        out.flush()
        buffered = io.BufferedWriter(_GuardedRaw(1))
        sys.stdout = _GuardedText(buffered, encoding=out.encoding, errors="strict",
                                  line_buffering=out.line_buffering, write_through=out.write_through)
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper) and not isinstance(stdin, _CheckedInput) and hasattr(stdin, "buffer"):
        sys.stdin = _CheckedInput(stdin.buffer, encoding=stdin.encoding, errors="strict",
                                  line_buffering=stdin.line_buffering)


def finish() -> None:
    """Flush standard output while a failure can still be reported (``OutputError``)."""
    out = sys.stdout
    if out is not None:
        out.flush()
