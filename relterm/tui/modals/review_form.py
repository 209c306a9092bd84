"""A relationship review: the three questions, and how often to hold one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ...intel.reviews import QUESTIONS
from .base import DAYS_RESTRICT, FormModal, check_date, check_days_field
from ..widgets.field import Field


@dataclass(frozen=True)
class ReviewDraft:
    keep: str = ""
    stop: str = ""
    start: str = ""
    every: str = ""
    date: str = "today"


@dataclass(frozen=True)
class ReviewResult:
    draft: ReviewDraft
    keep: str
    stop: str
    start: str
    every: Optional[int]  # None: leave the schedule as it is; 0 stops the reviews
    date: str

    @property
    def answered(self) -> bool:
        return bool(self.keep or self.stop or self.start)


class AnswerField(Field):
    """A field where enter moves on to the next field at once (keys typed right after land there)."""

    async def action_submit(self) -> None:
        self.screen.focus_next(Input)


class ReviewForm(FormModal[ReviewResult]):
    BINDINGS = [Binding("ctrl+s", "submit", "Save", id="review-save")]
    HINT = "enter: next field, saves on the last · ctrl+s saves · escape cancels"
    FIELDS = ("continue", "stop", "start", "every", "date")  # all AnswerFields but the last

    def __init__(self, contact_name: str, *, current_every: Optional[int], review_due: Optional[str],
                 draft: Optional[ReviewDraft] = None) -> None:
        super().__init__()
        self.contact_name = contact_name
        self.current_every = current_every
        self.review_due = review_due
        self.draft = draft or ReviewDraft(every=str(current_every) if current_every else "")

    def title_text(self) -> Text:
        title = Text("Review your relationship with ")
        title.append(self.contact_name)
        return title

    def compose_form(self) -> ComposeResult:
        d = self.draft
        values = {"continue": d.keep, "stop": d.stop, "start": d.start}
        # Each question is its field's placeholder, and the three answers are one block of rows: a line of
        # its own above each field made the form twice the widgets and slow to appear on a large list.
        for key, question in QUESTIONS:
            yield self.row(key.capitalize(), AnswerField(values[key], id=key, compact=True, placeholder=question))
        if self.current_every:
            schedule = f"Reviewed every {self.current_every} days"
            schedule += f"; next due {self.review_due}." if self.review_due else "."
        else:
            schedule = "No reviews scheduled: give a number of days to review regularly."
        yield Static(Text(schedule), classes="form-note")
        yield self.row("Every (days)", AnswerField(d.every, id="every", compact=True,
                                                   placeholder="e.g. 90; 0 stops", restrict=DAYS_RESTRICT))
        yield self.date_row(d.date)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#continue", Input).focus()

    def collect(self, problems: list[str]) -> Optional[ReviewResult]:
        value = {key: self.query_one(f"#{key}", Input).value for key in self.FIELDS}
        draft = ReviewDraft(value["continue"], value["stop"], value["start"], value["every"], value["date"])
        every: Optional[int] = None
        if draft.every.strip():
            every = check_days_field(draft.every, "every", problems)
            if every == (self.current_every or 0):
                every = None  # unchanged
        elif self.current_every:
            every = 0  # the field was emptied: stop the reviews
        check_date(draft.date, problems)
        keep, stop, start = draft.keep.strip(), draft.stop.strip(), draft.start.strip()
        if not (keep or stop or start) and every is None:
            problems.append("answer at least one question, or set how often to review")
        if problems:
            return None
        return ReviewResult(draft, keep, stop, start, every, draft.date.strip() or "today")
