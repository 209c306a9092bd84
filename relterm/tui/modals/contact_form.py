"""Quick-add (and edit) a contact: name, level, sphere, company, email, introduced by; editing adds the
profile link (http or https)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input

from ...config import Config, Ladder
from ...errors import InputError
from .base import FormModal, complete


@dataclass(frozen=True)
class ContactDraft:
    """What the form holds; also used to reopen it after a failed save."""

    name: str = ""
    level: str = ""
    sphere: str = ""
    company: str = ""
    email: str = ""
    introduced_by: str = ""
    url: str = ""


@dataclass(frozen=True)
class ContactFormResult:
    draft: ContactDraft
    name: str
    rank: int
    sphere: str
    company: str
    email: str
    introduced_by_id: Optional[int]
    url: str = ""


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


class ContactForm(FormModal[ContactFormResult]):
    TITLE_TEXT = "Add a contact"

    def __init__(
        self,
        config: Config,
        ladder_key: str,
        names: Callable[[], list[str]],
        find_id: Callable[[str], list[int]],
        *,
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
        self.editing = editing
        self.draft = draft or ContactDraft(
            level=self.ladder.label(self.ladder.default_rank), sphere=config.sphere_default
        )
        if title:
            self.TITLE_TEXT = title

    def compose_form(self) -> ComposeResult:
        d = self.draft
        levels = [self.ladder.label(level.rank) for level in self.ladder.ordered]
        yield self.row("Name", Input(d.name, placeholder="First Last", id="name", compact=True))
        yield self.row("Level", Input(d.level, id="level", compact=True,
                                      suggester=SuggestFromList(levels + [lv.name for lv in self.ladder.ordered],
                                                                case_sensitive=False)))
        yield self.row("Sphere", Input(d.sphere, id="sphere", compact=True,
                                       suggester=SuggestFromList(self.config.spheres, case_sensitive=False)))
        yield self.row("Company", Input(d.company, id="company", compact=True))
        yield self.row("Email", Input(d.email, id="email", compact=True))
        yield self.row("Introduced by", Input(d.introduced_by, id="introduced-by", placeholder="a name you know",
                                              compact=True,
                                              suggester=SuggestFromList(self._names(), case_sensitive=False)))
        if self.editing is not None:  # quick-add stays quick; the profile link is set when editing
            yield self.row("Profile", Input(d.url, id="url", placeholder="https://...", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def current_draft(self) -> ContactDraft:
        return ContactDraft(
            name=self._value("name"), level=self._value("level"), sphere=self._value("sphere"),
            company=self._value("company"), email=self._value("email"), introduced_by=self._value("introduced-by"),
            url=self._value("url") if self.editing is not None else "",
        )

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
        if problems:
            return None
        return ContactFormResult(draft, name, rank, sphere, draft.company.strip(), draft.email.strip(), introducer,
                                 url)
