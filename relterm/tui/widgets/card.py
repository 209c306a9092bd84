"""The card: everything about the selected contact except the timeline.

Built as a rich ``Text`` from plain strings, so a name such as ``[bold]x[/]``
shows those characters and is never read as markup.
"""

from __future__ import annotations

from typing import Optional

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...config import Config
from ...domain import Card
from ...present import keep_in_touch_line
from ...rules import OVERDUE


class ContactCard(Static, can_focus=True):
    DEFAULT_CSS = """
    ContactCard {
        height: 15;
        background: $surface;
        padding: 0 1;
        overflow-y: auto;
    }
    """

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
    ) -> None:
        if card is None:
            self.update(Text("No contact selected. a adds one.", style="dim"), layout=False)
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
        if balance is not None and (balance.given or balance.received or balance.asks):
            ledger = f"gave {balance.given} · received {balance.received} · asked {balance.asks}"
            # Next to the level: together they say whether asking fits. In the warning colour when you
            # took more (received and asked for) than you gave.
            self._field(text, "Give/ask", ledger, warning_style if balance.net < 0 else None)
        self._field(text, "Sphere", card.sphere)
        self._field(text, "Company", card.company)
        self._field(text, "Email", card.email)
        self._field(text, "Phone", card.phone)
        self._field(text, "Profile", card.url)
        self._field(text, "Tags", ", ".join(card.tags))
        self._field(text, "Introduced by", card.introduced_by or "")
        last = card.last_interaction.isoformat() if card.last_interaction else "never"
        self._field(text, "Last contact", last)
        if health is not None:
            self._field(text, "Keep in touch", keep_in_touch_line(health),
                        warning_style if health.state == OVERDUE and health.snoozed_until is None else None)
        if card.archived_at is not None:
            self._field(text, "Archived", card.archived_at.date().isoformat())
        if card.notes:
            text.append("\n")
            text.append(card.notes, Style(italic=True))
        text.rstrip()
        # The card has a fixed height (it scrolls when focused), so no layout of the screen is needed.
        self.update(text, layout=False)

    @staticmethod
    def _field(text: Text, label: str, value: str, style: Optional[Style] = None) -> None:
        if not value:
            return
        text.append(f"{label}  ", Style(bold=True))
        text.append(value, style or Style())
        text.append("\n")
