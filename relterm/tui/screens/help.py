"""The help screen: every key, from the same command definitions as the footer and the palette."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from .text_popup import TextPopup
from ..commands import NAVIGATION_HELP, VIEW_COMMON, VIEWS, all_commands


def help_text() -> Table:
    """Every command by group: keys in one column, what they do in the other (wrapped in its column)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style=Style(bold=True))
    table.add_column(ratio=1)
    groups: dict[str, list[tuple[str, str]]] = {}
    for command in all_commands():
        groups.setdefault(command.group, []).append((command.shown_keys, f"{command.title}: {command.help}"))
    groups.setdefault("Navigation", []).extend(NAVIGATION_HELP)
    first = True
    for group in ("Contacts", "Timeline", "Ladders", "Navigation", "Views", "App"):
        entries = groups.get(group)
        if not entries:
            continue
        if not first:
            table.add_row("", "")
        first = False
        note = "keys of the focused timeline (tab to it), on the highlighted entry" if group == "Timeline" else ""
        table.add_row(Text(group, Style(bold=True, underline=True)), Text(note, Style(dim=True)))
        for keys, description in entries:
            table.add_row(Text(keys), Text(description))
    # Each view's own keys, then the keys every view takes: from the same registry as their footers.
    for view in VIEWS:
        table.add_row("", "")
        table.add_row(Text(f"{view.title} view ({view.key})", Style(bold=True, underline=True)), "")
        for key in view.keys:
            table.add_row(Text(key.shown_keys), Text(f"{key.title}: {key.help}"))
    table.add_row("", "")
    table.add_row(Text("In every view", Style(bold=True, underline=True)), "")
    for key in VIEW_COMMON:
        table.add_row(Text(key.shown_keys), Text(f"{key.title}: {key.help}"))
    return table


class HelpScreen(TextPopup):
    BINDINGS = [
        Binding("escape,question_mark", "close", "Close", id="help-close"),
        Binding("q", "app.quit", "Quit", id="help-quit"),
    ]
    BODY_ID = "help-body"
    TEXT_ID = "help-text"

    def body(self) -> Table:
        return help_text()

    def popup_title(self) -> str:
        return "relterm keys (escape closes)"
