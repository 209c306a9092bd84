"""Import and export popups: pick a file, choose the format, watch the progress, read the summary.

Textual has no file dialog, so :class:`ImportForm` is a small one: a
directory tree showing only folders and the files relterm can import
(.vcf, .vcard, .csv, .json), a path field that takes a typed path too, and
the format (auto by default). :class:`ExportForm` asks whom to export (the
contacts the list shows, or everyone), the format and the file to write. :class:`ImportProgress` shows a progress bar while the
screen's worker imports, then the summary: added, merged, skipped with the
reasons, and the first problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, ProgressBar, Static

from ...io import EXPORT_FORMATS, IMPORT_FORMATS
from ...sanitize import clean_for_terminal, clean_line
from .base import FormModal
from ..widgets.choice import Choice
from ..widgets.field import Field
from ..widgets.footer import PopupFooter

IMPORTABLE = {".vcf", ".vcard", ".csv", ".json"}
SUFFIXES = {"vcard": ".vcf", "csv": ".csv", "json": ".json", "ics": ".ics", "vdir": ""}


class ContactFileTree(DirectoryTree):
    """Folders and importable files only; hidden entries are left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        result = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or path.suffix.lower() in IMPORTABLE:
                    result.append(path)
            except OSError:
                continue
        return result


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    format: str


class ImportForm(FormModal[ImportRequest]):
    """Choose a file (tree or typed path) and the format."""

    DEFAULT_CSS = """
    ImportForm > Vertical {
        width: 90;
    }
    ImportForm ContactFileTree {
        height: 14;
        margin-bottom: 1;
        background: $surface;
    }
    """

    TITLE_TEXT = "Import contacts (vCard, Google/LinkedIn/relterm CSV, JSON backup)"
    HINT = "enter on a file picks it · ←→ format · enter in a field imports · escape cancels · tab next field"

    def __init__(self, start: Path, *, path: str = "", format: str = "auto") -> None:
        super().__init__()
        self.start = start
        self.initial_path = path
        self.initial_format = format if format in IMPORT_FORMATS else "auto"

    def compose_form(self) -> ComposeResult:
        yield ContactFileTree(self.start, id="files")
        yield self.row("File", Field(self.initial_path, placeholder="a .vcf, .csv or .json file, or a vCard folder",
                                 id="path", compact=True))
        yield self.row("Format", Choice([(name, name) for name in IMPORT_FORMATS], value=self.initial_format,
                                    id="format"))

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_path:
            self.query_one("#path", Input).focus()  # back after a failed import: edit the path, or shift+tab
        else:
            self.query_one(ContactFileTree).focus()

    def on_resize(self, event) -> None:
        # The other rows, the border and the footer take 15 lines: the tree gets what is left
        # (14 at most), so that the fields and the hint stay on an 80x24 screen.
        self.query_one(ContactFileTree).styles.height = max(3, min(14, event.size.height - 15))

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        field = self.query_one("#path", Input)
        field.value = str(event.path)
        field.focus()

    @on(DirectoryTree.DirectorySelected)
    def _directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        # A folder of .vcf files (a vdir) can be imported as a whole: offer it, keep browsing.
        event.stop()
        self.query_one("#path", Input).value = str(event.path)

    def collect(self, problems: list[str]) -> Optional[ImportRequest]:
        text = self.query_one("#path", Input).value.strip()
        fmt = str(self.query_one("#format", Choice).value)
        if not text:
            problems.append("pick a file in the tree or type its path")
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.start / path
        if not path.exists():
            problems.append(f"no such file or folder: {path}")
            return None
        return ImportRequest(path, fmt)


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    format: str
    everyone: bool  # False: only the contacts the list shows


FORMAT_NAMES = {
    "vcard": "vCard file (.vcf): for address books and phones",
    "csv": "CSV file: for spreadsheets",
    "ics": "ICS calendar: birthdays, keep-in-touch and review dates",
    "vdir": "vdir folder: one .vcf per contact (for vdirsyncer)",
    "json": "JSON backup: the whole database",
}


class ExportForm(FormModal[ExportRequest]):
    """Choose whom (the contacts shown or everyone), the format and the file (a folder for vdir) to write."""

    TITLE_TEXT = "Export contacts"
    HINT = "enter exports · ←→ changes a choice · esc cancels · tab next field · an existing file is replaced"

    def __init__(self, start: Path, *, shown: Optional[int] = None, total: Optional[int] = None) -> None:
        """``shown``: how many contacts the list shows (when it is filtered), ``total``: how many there are."""
        super().__init__()
        self.start = start
        self.shown = shown
        self.total = total

    def compose_form(self) -> ComposeResult:
        everyone = f"everyone ({self.total})" if self.total is not None else "everyone"
        choices = [(everyone, "all")]
        if self.shown is not None and self.total is not None and self.shown < self.total:
            # What the user sees is offered first: the list is filtered.
            choices.insert(0, (f"the {self.shown} shown in the list", "shown"))
        yield self.row("Contacts", Choice(choices, value=choices[0][1], id="whom"))
        yield self.row("Format", Choice([(FORMAT_NAMES.get(name, name), name) for name in EXPORT_FORMATS],
                                        value="vcard", id="format"))
        yield self.row("File", Field(str(self.start / "relterm-contacts.vcf"), id="path", compact=True))
        yield Static(Text("vdir writes one .vcf per contact into a folder; ics writes a calendar; "
                          "json is a backup of the whole database (everyone, archived too)."),
                     classes="form-note")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#path", Input).focus()

    @on(Choice.Changed, "#format")
    def _format_changed(self, event: Choice.Changed) -> None:
        """Follow the format with the file's suffix while the name is still the suggested one."""
        field = self.query_one("#path", Input)
        path = Path(field.value)
        if path.stem == "relterm-contacts":
            field.value = str(path.with_suffix(SUFFIXES.get(str(event.value), "")))
        whom = self.query_one("#whom", Choice)
        if str(event.value) == "json":
            whom.value = "all"  # a backup is of everything
        whom.disabled = str(event.value) == "json"

    def collect(self, problems: list[str]) -> Optional[ExportRequest]:
        text = self.query_one("#path", Input).value.strip()
        fmt = str(self.query_one("#format", Choice).value)
        everyone = fmt == "json" or str(self.query_one("#whom", Choice).value) == "all"
        if not text:
            problems.append("type the file to write")
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.start / path
        if fmt != "vdir" and path.is_dir():
            problems.append(f"{path} is a folder; type a file name (or choose vdir)")
            return None
        if not path.parent.is_dir():
            problems.append(f"{path.parent}: no such folder")
            return None
        return ExportRequest(path, fmt, everyone)


class ImportProgress(ModalScreen[None]):
    """The import under way (a progress bar), then its summary; escape or enter closes when done."""

    DEFAULT_CSS = """
    ImportProgress {
        align: center middle;
    }
    ImportProgress > Vertical {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $panel;
        padding: 0 1;
    }
    ImportProgress #progress-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ImportProgress ProgressBar {
        margin-bottom: 1;
    }
    ImportProgress #summary-box {
        height: auto;
        max-height: 20;
    }
    ImportProgress #progress-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="import-close"),
        Binding("enter", "close", "Close", show=False, id="import-close-enter"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Importing ")
            title.append(str(self.path))
            yield Static(title, id="progress-title")
            yield ProgressBar(total=None, show_eta=False, id="progress")
            with VerticalScroll(id="summary-box"):
                yield Static("", id="summary")
            yield Static(Text("The import is one transaction: it finishes or writes nothing."), id="progress-hint")
        yield PopupFooter()

    def advance(self, done: int, total: int) -> None:
        """Called (through call_from_thread) every hundred records."""
        bar = self.query_one(ProgressBar)
        if total:
            bar.update(total=total, progress=done)

    def show_summary(self, summary) -> None:
        """What ``run_import`` returned: the counts, then the first few problems of each kind."""
        self.finished = True
        bar = self.query_one(ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        title = Text(f"Imported {clean_line(self.path.name)} ({summary.format})", style="bold")
        self.query_one("#progress-title", Static).update(title)
        lines = [f"Added {summary.added}, merged {summary.merged} ({summary.updated} with changes), "
                 f"skipped {summary.skipped}."]
        lines += summary.lines(limit=5)[1:]
        lines = [line.replace("(--all lists every one)", "(relterm import --dry-run --all lists every one)")
                 for line in lines]
        # Names from the file (vdir file names too): plain text, cleaned of escape sequences.
        self.query_one("#summary", Static).update(Text(clean_for_terminal("\n".join(lines))))
        self.query_one("#progress-hint", Static).update(Text("escape or enter closes"))

    def action_close(self) -> None:
        if not self.finished:
            self.notify("The import is still running; it cannot stop halfway (one transaction).",
                        severity="warning", timeout=3)
            return
        self.dismiss(None)
