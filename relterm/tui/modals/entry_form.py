"""Fix a timeline entry: its date, kind and text (a level change's reason; its kind stays)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input

from ...config import Config
from ...errors import InputError
from ...rules import LEVEL_CHANGE
from .base import FormModal, check_date, complete
from ..widgets.field import Field


@dataclass(frozen=True)
class EntryDraft:
    date: str
    kind: str
    text: str


@dataclass(frozen=True)
class EntryResult:
    draft: EntryDraft
    date: dt.date
    kind: str
    text: str


class EntryForm(FormModal[EntryResult]):
    def __init__(self, config: Config, contact_name: str, *, draft: EntryDraft, fixed_kind: bool) -> None:
        """``fixed_kind``: a level change or an introduction keeps its kind (the core's rule)."""
        super().__init__()
        self.config = config
        self.contact_name = contact_name
        self.draft = draft
        self.fixed_kind = fixed_kind

    def title_text(self) -> Text:
        title = Text("Fix an entry on ")
        title.append(self.contact_name)
        title.append("'s timeline")
        return title

    def compose_form(self) -> ComposeResult:
        d = self.draft
        yield self.date_row(d.date)
        kind = Field(d.kind, id="kind", compact=True, disabled=self.fixed_kind,
                     suggester=SuggestFromList(list(self.config.kinds), case_sensitive=False))
        yield self.row("Kind", kind)
        yield self.row("Reason" if d.kind == LEVEL_CHANGE else "Text", Field(d.text, id="text", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#date", Input).focus()

    def collect(self, problems: list[str]) -> Optional[EntryResult]:
        draft = EntryDraft(self.query_one("#date", Input).value, self.query_one("#kind", Input).value,
                           self.query_one("#text", Input).value)
        when = check_date(draft.date, problems)
        kind = draft.kind.strip()
        if not self.fixed_kind:
            try:
                kind = self.config.check_kind(complete(kind, list(self.config.kinds)))
            except InputError as exc:
                problems.append(f"kind: {exc}")
        if problems or when is None:
            return None
        return EntryResult(draft, when, kind, draft.text.strip())
