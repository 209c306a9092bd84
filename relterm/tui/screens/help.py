"""The help screen: every key, from the same command definitions as the footer and the palette."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.footer import AppFooter
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


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 96;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        border-title-align: center;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,question_mark", "close", "Close", id="help-close"),
        Binding("q", "app.quit", "Quit", id="help-quit"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help-down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help-up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="help-top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="help-bottom"),
    ]

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(help_text()), id="help-body")
        scroll.border_title = "relterm keys (escape closes)"
        yield scroll
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)

    def action_edge(self, end: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_to(y=body.max_scroll_y if end else 0, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
