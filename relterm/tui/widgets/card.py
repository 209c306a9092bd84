"""The card: everything about the selected contact except the timeline (what ``relterm show`` shows).

Built as a rich ``Text`` from plain strings, so a name such as ``[bold]x[/]``
shows those characters and is never read as markup. Drawn with the line API
like the timeline: the text is wrapped once into lines and only the lines on
screen are drawn; the pane keeps its height and scrolls when focused (j/k,
the page keys, home/end).

Notes are shown in part: the first ``NOTE_LINES`` lines, each cut at
``NOTE_LINE_CHARS`` characters, then how much more there is. A note of 10 MB
would otherwise be wrapped in full on the UI thread (seconds); ``relterm show``
prints all of it.
"""

from __future__ import annotations

from typing import Optional

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...config import Config
from ...domain import Card
from ...present import also_known_line, keep_in_touch_line
from ...rules import OVERDUE
from . import set_virtual_size_quietly

NOTE_LINES = 20
NOTE_LINE_CHARS = 500
NOTES_READ = NOTE_LINES * (NOTE_LINE_CHARS + 1)  # characters of the notes the card reads, at most


def notes_excerpt(notes: str, unread: bool = False) -> tuple[list[str], str]:
    """The lines of ``notes`` the card shows, and what it says about the rest ("" when nothing is left out).

    Looks at most at ``NOTES_READ`` characters and counts the remaining line ends in C, so a note of
    any size costs a few milliseconds. ``unread``: the notes go on after ``notes`` (not read from
    the database: ``Card.notes_cut``).
    """
    head = notes[:NOTES_READ]
    lines = head.split("\n")
    cut_short = len(notes) > len(head) or unread
    if cut_short and len(lines) > 1:
        lines.pop()  # the last line read may go on past the head
    shown = lines[:NOTE_LINES]
    left_out = False
    for index, line in enumerate(shown):
        if len(line) > NOTE_LINE_CHARS:
            shown[index] = line[:NOTE_LINE_CHARS] + "…"
            left_out = True
    if unread:
        return shown, "… (the notes go on; relterm show prints them all)"
    total_lines = notes.count("\n") + 1
    more_lines = total_lines - len(shown)
    if more_lines > 0:
        return shown, f"… ({more_lines} more line{'s' if more_lines != 1 else ''}; relterm show prints them)"
    if left_out:
        return shown, "… (long lines cut; relterm show prints them)"
    return shown, ""


class ContactCard(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ContactCard {
        height: 15;
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("up,k", "scroll_by(-1)", "Up", show=False, id="card-up"),
        Binding("down,j", "scroll_by(1)", "Down", show=False, id="card-down"),
        Binding("home,g", "scroll_edge(0)", "Top", show=False, id="card-top"),
        Binding("end,G", "scroll_edge(1)", "Bottom", show=False, id="card-bottom"),
        Binding("pageup", "scroll_page(-1)", "Page up", show=False, id="card-page-up"),
        Binding("pagedown", "scroll_page(1)", "Page down", show=False, id="card-page-down"),
    ]

    def __init__(self, *, name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self._text = Text("")
        self._lines: list[Strip] = []
        self._wrapped_for = -1

    @property
    def plain(self) -> str:
        """What the card says, unwrapped."""
        return self._text.plain

    # Keys: no animation, so the last line is always reachable (an animated scroll may stop a
    # fraction short of the end in a real terminal).

    def action_scroll_by(self, step: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + step, animate=False)

    def action_scroll_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * max(self.scrollable_content_region.height - 1, 1),
                       animate=False)

    def action_scroll_edge(self, end: int) -> None:
        self.scroll_to(y=self.max_scroll_y if end else 0, animate=False)

    def show_card(
        self,
        card: Optional[Card],
        config: Config,
        ladder_key: str,
        level_style: Optional[Style] = None,
        warning_style: Optional[Style] = None,
        brief: bool = False,
        balance=None,  # relterm.intel.Balance, loaded with the card
        health=None,  # relterm.rules.Health, loaded with the card
        also_known=(),  # names of the other ways in besides the first introducer (relterm.graph)
    ) -> None:
        if card is None:
            self._set(Text("No contact selected. a adds one.", style="dim"))
            return
        ladder = config.ladders[ladder_key]
        rank = card.ranks.get(ladder_key)
        level = ladder.level(rank) if rank is not None else None
        label_style = Style(bold=True)
        text = Text(no_wrap=False, end="")
        text.append(card.name, Style(bold=True))
        if card.title:
            text.append(f" · {card.title}")
        text.append("\n")
        if rank is None:
            text.append("Level  ", label_style)
            text.append(f"not on the {ladder_key} ladder\n", Style(dim=True))
        else:
            text.append("Level  ", label_style)
            text.append(ladder.label(rank), level_style or Style())
            if level is not None and level.description and not brief:
                text.append(f": {level.description}", Style(dim=True))
            text.append("\n")
        others = [
            f"{config.ladders[key].label(r)} ({key})"
            for key, r in sorted(card.ranks.items())
            if key != ladder_key and key in config.ladders
        ]
        if others:
            self._field(text, "Also", ", ".join(others))
        if health is not None:
            # High on the card: whether they are overdue is the first thing a user looks for.
            self._field(text, "Keep in touch", keep_in_touch_line(health),
                        warning_style if health.state == OVERDUE and health.snoozed_until is None else None)
        last = card.last_interaction.isoformat() if card.last_interaction else "never"
        self._field(text, "Last contact", last)
        if balance is not None and (balance.given or balance.received or balance.asks):
            ledger = f"gave {balance.given} · received {balance.received} · asked {balance.asks}"
            # Next to the level: together they say whether asking fits. In the warning colour when you
            # took more (received and asked for) than you gave.
            self._field(text, "Give/ask", ledger, warning_style if balance.net < 0 else None)
        self._field(text, "Sphere", card.sphere)
        self._field(text, "Company", card.company)
        self._field(text, "Email", card.email)
        self._field(text, "Phone", card.phone)
        self._field(text, "Birthday", card.birthday or "")
        self._field(text, "Profile", card.url)
        self._field(text, "Tags", ", ".join(card.tags))
        self._field(text, "Introduced by", card.introduced_by or "")
        if also_known:
            line = also_known_line(also_known)
            text.append(line[:1].upper() + line[1:] + "\n", Style(italic=True))
        if card.cadence_days is not None:
            self._field(text, "Cadence", "none" if card.cadence_days == 0 else f"every {card.cadence_days} days")
        if card.review_every_days:
            due = f", next due {card.review_due.isoformat()}" if card.review_due else ""
            self._field(text, "Review", f"every {card.review_every_days} days{due}")
        elif card.review_due:
            self._field(text, "Review due", card.review_due.isoformat())
        if card.snoozed_until is not None and (health is None or health.snoozed_until is None):
            self._field(text, "Snoozed until", card.snoozed_until.isoformat())
        for detail in card.details:
            label = detail.kind + (f" {detail.label}" if detail.label else "")
            self._field(text, label.capitalize(), " ".join(detail.value[:NOTE_LINE_CHARS].split()))
        if card.archived_at is not None:
            self._field(text, "Archived", card.archived_at.date().isoformat())
        if card.notes:
            lines, rest = notes_excerpt(card.notes, card.notes_cut)
            text.append("Notes\n", label_style)
            text.append("\n".join(lines), Style(italic=True))
            if rest:
                text.append("\n" + rest, Style(dim=True))
        text.rstrip()
        self._set(text)

    def _set(self, text: Text) -> None:
        self._text = text
        self._wrapped_for = -1
        self._wrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        # The card keeps its height (it scrolls), so no layout of the screen is needed.
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        console = self.app.console
        lines = []
        for line in self._text.wrap(console, width):
            segments = [segment for segment in line.render(console) if segment.text != "\n"]
            lines.append(Strip(segments, line.cell_len))
        self._lines = lines
        self._wrapped_for = width
        set_virtual_size_quietly(self, Size(width, len(lines)))

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._wrapped_for != width:
            self._wrap()
        index = y + self.scroll_offset.y
        base = self.rich_style
        if 0 <= index < len(self._lines):
            return self._lines[index].extend_cell_length(width).apply_style(base).crop(0, width)
        return Strip([Segment(" " * width, base)], width)

    @staticmethod
    def _field(text: Text, label: str, value: str, style: Optional[Style] = None) -> None:
        if not value:
            return
        text.append(f"{label}  ", Style(bold=True))
        text.append(value, style or Style())
        text.append("\n")
