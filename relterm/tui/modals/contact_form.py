"""Quick-add a contact (name, level, sphere, company, email, introduced by), and edit one: every field
`relterm edit` edits (also title, phone, profile link, tags, birthday, keep-in-touch cadence, review schedule
and notes).

The edit form scrolls inside when the terminal is short (80x24). Notes are a multi-line field; notes
longer than ``NOTES_EDIT_LIMIT`` characters are shown, not edited (the popup opens at once for a 10 MB
note), with a line saying how to replace them from the command line.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from typing import Callable, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.suggester import SuggestFromList, Suggester
from textual.widgets import Input, Label, Static, TextArea

from ...config import Config, Ladder
from ...errors import InputError
from .base import FormModal, complete
from ..widgets.field import Field


@dataclass(frozen=True)
class ContactDraft:
    """What the form holds; also used to reopen it after a failed save."""

    name: str = ""
    level: str = ""
    sphere: str = ""
    company: str = ""
    email: str = ""
    introduced_by: str = ""
    # Edited only (the quick-add form leaves them empty):
    title: str = ""
    phone: str = ""
    url: str = ""  # the profile link (http or https)
    tags: str = ""  # comma separated
    birthday: str = ""  # as typed: 1985-04-15, --04-15, "15 april 1985"
    cadence: str = ""  # days; empty: the level's cadence; "none": never due
    review_every: str = ""  # days; empty: no reviews
    notes: str = ""


NOTES_EDIT_LIMIT = 200_000  # characters; longer notes are shown, not edited (a TextArea of 10 MB opens slowly)
NOTES_PREVIEW = 2_000  # characters of long notes shown


def cadence_text(days: Optional[int]) -> str:
    """How the form shows a stored cadence: "" (the level's), "none" (never due) or the days."""
    return "" if days is None else ("none" if days == 0 else str(days))


@dataclass(frozen=True)
class ContactFormResult:
    draft: ContactDraft
    name: str
    rank: int
    sphere: str
    company: str
    email: str
    introduced_by_id: Optional[int]
    title: str = ""
    phone: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()
    cadence: Optional[int] = None  # None: the level's cadence; 0: never due
    review_every: Optional[int] = None  # None: no reviews


def parse_level_text(ladder: Ladder, text: str) -> int:
    """A rank from "3", "Conversant" or "3 Conversant"."""
    value = text.strip()
    first = value.split()[0] if value else ""
    digits = first.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        value = first
    try:
        return ladder.parse_rank(value)
    except KeyError:
        levels = ", ".join(ladder.label(level.rank) for level in ladder.ordered)
        raise InputError(f'level: no level "{text.strip()}"; levels: {levels}') from None


class NameSuggester(Suggester):
    """Suggests a contact's name as the user types, from the loaded rows (``first_match(prefix)``).

    Nothing is read when the popup opens: a ``SuggestFromList`` over 100k names built (and case-folded)
    that list on every open of the add and edit popups.
    """

    def __init__(self, first_match: Callable[[str], Optional[str]]) -> None:
        super().__init__(case_sensitive=False)
        self._first_match = first_match

    async def get_suggestion(self, value: str) -> Optional[str]:
        return self._first_match(value)


class ContactForm(FormModal[ContactFormResult]):
    TITLE_TEXT = "Add a contact"

    DEFAULT_CSS = """
    ContactForm.-editing > Vertical {
        height: 100%;
        max-height: 40;
    }
    ContactForm .form-body {
        height: 1fr;
    }
    ContactForm #notes {
        height: 6;
        margin-bottom: 1;
    }
    ContactForm .notes-label {
        color: $text-muted;
    }
    ContactForm #notes-shown {
        height: auto;
        max-height: 6;
        margin-bottom: 1;
    }
    """
    BINDINGS = [Binding("ctrl+s", "submit", "Save", id="contact-save")]

    def __init__(
        self,
        config: Config,
        ladder_key: str,
        names: Callable[[], list[str]],
        find_id: Callable[[str], list[int]],
        *,
        first_name: Optional[Callable[[str], Optional[str]]] = None,
        draft: Optional[ContactDraft] = None,
        editing: Optional[int] = None,
        title: Optional[str] = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.ladder_key = ladder_key
        self.ladder = config.ladders[ladder_key]
        self._names = names
        self._find_id = find_id
        # The introducer's completion: the first name starting with what was typed (case-folded).
        self._first_name = first_name or (lambda prefix: next(
            (name for name in self._names() if name.casefold().startswith(prefix)), None))
        self.editing = editing
        self.draft = draft or ContactDraft(
            level=self.ladder.label(self.ladder.default_rank), sphere=config.sphere_default
        )
        if title:
            self.TITLE_TEXT = title
        if editing is not None:
            self.body_scrolls = True
            self.first_items = 6  # name to introducer; the rest follows a frame later (see FormModal)
            self.HINT = "enter or ctrl+s saves (in Notes enter is a new line) · escape cancels"
            self.add_class("-editing")

    @property
    def notes_editable(self) -> bool:
        return len(self.draft.notes) <= NOTES_EDIT_LIMIT

    def compose_form(self) -> ComposeResult:
        d = self.draft
        levels = [self.ladder.label(level.rank) for level in self.ladder.ordered]
        yield self.row("Name", Field(d.name, placeholder="First Last", id="name", compact=True))
        yield self.row("Level", Field(d.level, id="level", compact=True,
                                      suggester=SuggestFromList(levels + [lv.name for lv in self.ladder.ordered],
                                                                case_sensitive=False)))
        yield self.row("Sphere", Field(d.sphere, id="sphere", compact=True,
                                       suggester=SuggestFromList(self.config.spheres, case_sensitive=False)))
        yield self.row("Company", Field(d.company, id="company", compact=True))
        yield self.row("Email", Field(d.email, id="email", compact=True))
        yield self.row("Introduced by", Field(d.introduced_by, id="introduced-by", placeholder="a name you know",
                                              compact=True,
                                              suggester=NameSuggester(self._first_name)))
        if self.editing is None:
            return
        yield self.row("Title", Field(d.title, id="title", placeholder="job title", compact=True))
        yield self.row("Phone", Field(d.phone, id="phone", compact=True))
        yield self.row("Profile", Field(d.url, id="url", placeholder="https://...", compact=True))
        yield self.row("Tags", Field(d.tags, id="tags", placeholder="comma separated", compact=True))
        yield self.row("Birthday", Field(d.birthday, id="birthday", placeholder='1985-04-15, --04-15, "15 april"',
                                         compact=True))
        yield self.row("Keep in touch", Field(d.cadence, id="cadence", compact=True,
                                              placeholder='days; empty: the level\'s; "none": never due'))
        yield self.row("Review every", Field(d.review_every, id="review-every", compact=True,
                                             placeholder="days; empty: no reviews"))
        yield Label("Notes", classes="notes-label")
        if self.notes_editable:
            yield TextArea(d.notes, id="notes", soft_wrap=True, show_line_numbers=False, compact=True)
        else:
            shown = Text(d.notes[:NOTES_PREVIEW] + " …", style="dim")
            shown.append(f"\n\nThese notes are {len(d.notes):,} characters: too long to edit here. "
                         f"`relterm edit {shlex.quote(d.name)} --notes-file FILE` replaces them with a file's "
                         "text (FILE - reads standard input).", style="not dim bold")
            yield Static(shown, id="notes-shown")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def current_draft(self) -> ContactDraft:
        draft = ContactDraft(
            name=self._value("name"), level=self._value("level"), sphere=self._value("sphere"),
            company=self._value("company"), email=self._value("email"), introduced_by=self._value("introduced-by"),
            url=self._value("url") if self.editing is not None else "",
        )
        if self.editing is None:
            return draft
        notes = self.query_one("#notes", TextArea).text if self.notes_editable else self.draft.notes
        return replace(
            draft, title=self._value("title"), phone=self._value("phone"), tags=self._value("tags"),
            birthday=self._value("birthday"), cadence=self._value("cadence"),
            review_every=self._value("review-every"), notes=notes,
        )

    def _snapshot(self) -> tuple:
        if self.editing is not None and self.notes_editable:
            return (self.query_one("#notes", TextArea).text, *super()._snapshot())
        return super()._snapshot()

    def collect(self, problems: list[str]) -> Optional[ContactFormResult]:
        draft = self.current_draft()
        name = draft.name.strip()
        if not name:
            problems.append("name: a contact needs a name")
        rank = self.ladder.default_rank
        if draft.level.strip():
            level_text = complete(draft.level, [lv.name for lv in self.ladder.ordered])
            try:
                rank = parse_level_text(self.ladder, level_text)
            except InputError as exc:
                problems.append(str(exc))
        sphere = self.config.sphere_default
        if draft.sphere.strip():
            try:
                sphere = self.config.check_sphere(complete(draft.sphere, self.config.spheres))
            except InputError as exc:
                problems.append(f"sphere: {exc}")
        introducer: Optional[int] = None
        wanted = draft.introduced_by.strip()
        found = self._find_id(wanted) if wanted else []
        if wanted and not found:
            wanted = complete(wanted, self._names())
            found = self._find_id(wanted)
        if wanted:
            if not found:
                problems.append(f'introduced by: nobody called "{wanted}"; add them first or leave it empty')
            elif len(found) > 1:
                problems.append(f'introduced by: {len(found)} contacts are called "{wanted}"; set it with relterm edit')
            elif self.editing is not None and found[0] == self.editing:
                problems.append("introduced by: a contact cannot have introduced themselves")
            else:
                introducer = found[0]
        url = ""
        if draft.url.strip():
            from ...core import check_url

            try:
                url = check_url(draft.url)
            except InputError as exc:
                problems.append(str(exc))
        cadence = _days(draft.cadence, "keep in touch", problems, none_word=True)
        review_every = _days(draft.review_every, "review every", problems)
        if problems:
            return None
        tags = tuple(tag.strip() for tag in draft.tags.split(",") if tag.strip())
        return ContactFormResult(draft, name, rank, sphere, draft.company.strip(), draft.email.strip(), introducer,
                                 title=draft.title.strip(), phone=draft.phone.strip(), url=url, tags=tags, cadence=cadence,
                                 review_every=review_every)


def _days(text: str, label: str, problems: list[str], *, none_word: bool = False) -> Optional[int]:
    """A days field: None when empty, 0 for "none" (when ``none_word``), else the whole number typed.

    Only the form of the number is checked here; its range is the core's (its message shows in the form)."""
    value = text.strip().lower()
    if not value:
        return None
    if none_word and value in ("none", "never", "off"):
        return 0
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    words = '; "none" never, empty the level\'s' if none_word else "; empty: none"
    problems.append(f"{label}: a whole number of days{words}")
    return None
