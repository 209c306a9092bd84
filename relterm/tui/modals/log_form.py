"""Log an interaction: the note first, kind and date preset, who else was there, and whether it went badly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input

from ...config import Config
from ...errors import InputError
from .base import DATE_HINT, FormModal, check_date, complete
from ..widgets.field import Field


@dataclass(frozen=True)
class LogDraft:
    note: str = ""
    kind: str = "note"
    date: str = "today"
    went_badly: bool = False
    with_name: str = ""  # someone else who was there (met together), as typed


@dataclass(frozen=True)
class LogResult:
    draft: LogDraft
    kind: str
    date: dt.date
    note: str
    went_badly: bool = False
    with_name: str = ""  # resolved to a contact by the core (Core.resolve, as `relterm log --with`)


class WentBadly(Checkbox, inherit_bindings=False):
    """The "went badly" toggle: space toggles it; enter saves the popup, as from every field."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]


class LogForm(FormModal[LogResult]):
    def __init__(self, config: Config, contact_name: str, *, draft: Optional[LogDraft] = None,
                 first_name: Optional[Callable[[str], Optional[str]]] = None) -> None:
        super().__init__()
        self.config = config
        self.contact_name = contact_name
        self.draft = draft or LogDraft()
        self._first_name = first_name or (lambda prefix: None)

    def title_text(self) -> Text:
        title = Text("Log an interaction with ")
        title.append(self.contact_name)
        return title

    def compose_form(self) -> ComposeResult:
        d = self.draft
        yield self.row("Note", Field(d.note, placeholder="what happened", id="note", compact=True))
        yield self.row("Kind", Field(d.kind, id="kind", compact=True,
                                     suggester=SuggestFromList(list(self.config.kinds), case_sensitive=False)))
        yield self.date_row(d.date, DATE_HINT + ', "3 days ago"')
        # A row like the others: every row of the form is one block of labels beside one column of fields.
        yield self.row("Went badly", WentBadly("space toggles: shows who else it touches", d.went_badly,
                                               id="went-badly", compact=True))
        from .contact_form import NameSuggester

        yield self.row("With", Field(d.with_name, placeholder="someone else who was there (optional)", id="with",
                                     compact=True, suggester=NameSuggester(self._first_name)))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#note", Input).focus()

    def collect(self, problems: list[str]) -> Optional[LogResult]:
        draft = LogDraft(
            note=self.query_one("#note", Input).value,
            kind=self.query_one("#kind", Input).value,
            date=self.query_one("#date", Input).value,
            went_badly=self.query_one("#went-badly", Checkbox).value,
            with_name=self.query_one("#with", Input).value,
        )
        kind = "note"
        if draft.kind.strip():
            try:
                kind = self.config.check_kind(complete(draft.kind, list(self.config.kinds)))
            except InputError as exc:
                problems.append(f"kind: {exc}")
        when = check_date(draft.date, problems)
        if problems or when is None:
            return None
        return LogResult(draft, kind, when, draft.note.strip(), draft.went_badly, draft.with_name.strip())

    def _snapshot(self) -> tuple:
        return super()._snapshot() + (self.query_one("#went-badly", Checkbox).value,)
