"""Every command of the main screen, defined once.

Each :class:`Command` yields its key binding (footer), its line in the help
screen and its entry in the command palette, so the three always agree.

Views (whole screens such as an agenda) are registered in ``VIEWS``: write the
screen in its own module under ``relterm/tui/screens/`` and add one line here,
``View("agenda", "A", "Agenda", "Whom to reach out to now", "agenda:AgendaScreen")``;
the key, the help line and the palette entry follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    id: str
    keys: str  # Textual key names, comma separated: the first is the one shown
    action: str  # an action of the main screen, e.g. "add_contact" or "rung(3)"
    title: str  # short, for the footer and the palette
    help: str  # one sentence, for the help screen and the palette
    group: str = "Contacts"
    footer: bool = False
    key_display: str | None = None
    palette: bool = True

    def bindings(self) -> Iterator[Binding]:
        yield Binding(
            self.keys, self.action, self.title, show=self.footer, key_display=self.key_display, id=self.id,
            tooltip=self.help,
        )

    @property
    def shown_keys(self) -> str:
        if self.key_display:
            return self.key_display
        return " ".join(_pretty(key) for key in self.keys.split(","))


@dataclass(frozen=True)
class View:
    """A screen opened by a key from the main screen."""

    id: str
    key: str
    title: str
    help: str
    target: str  # "module:ClassName" inside relterm.tui.screens

    def command(self) -> Command:
        return Command(
            f"view-{self.id}", self.key, f"app.open_view('{self.id}')", self.title, self.help, group="Views",
            footer=True,
        )


_KEY_NAMES = {
    "plus": "+", "minus": "-", "question_mark": "?", "slash": "/", "shift+tab": "shift+tab",
    "pageup": "pgup", "pagedown": "pgdn",
}


def _pretty(key: str) -> str:
    return _KEY_NAMES.get(key, key)


# Views added by other modules, one line each (see the module docstring).
VIEWS: list[View] = []
VIEWS.append(View("agenda", "A", "Agenda", "Whom to reach out to now: overdue, reviews, names, birthdays.",
                  "agenda:AgendaScreen"))
VIEWS.append(View("circles", "C", "Circles", "Who introduced you to whom, with how many each opened up.",
                  "circles:CirclesScreen"))
VIEWS.append(View("matrix", "M", "Matrix", "Contacts by sphere and rung; enter filters the list to a cell.",
                  "matrix:MatrixScreen"))


COMMANDS: list[Command] = [
    Command("add", "a", "add_contact", "Add", "Add a contact (name, level, sphere, company, email, introduced by).",
            footer=True),
    Command("log", "l", "log_interaction", "Log", "Log an interaction with the selected contact.", footer=True),
    Command("promote", "plus", "promote", "Promote", "Move the selected contact one rung up, with a reason.",
            footer=True, key_display="+"),
    Command("demote", "minus", "demote", "Demote", "Move the selected contact one rung down, with a reason.",
            footer=True, key_display="-"),
    Command("move", "p", "move_level", "Move to rung", "Move the selected contact to any rung, with a reason."),
    Command("edit", "e", "edit_contact", "Edit", "Edit the selected contact."),
    Command("archive", "d", "archive", "Archive", "Archive the selected contact (after confirmation; u undoes)."),
    Command("undo", "u", "undo", "Undo archive", "Bring back the contact archived a moment ago."),
    Command("names", "i", "give_names", "Names they gave",
            "Record names the selected contact gave you (one per line), to contact."),
    Command("brief", "b", "show_brief", "Brief",
            "Before a coffee: the selected contact's profile link, next rung, recent entries, names not "
            "contacted yet, give/ask, review, and a reminder to ask for names."),
    Command("review", "R", "review", "Review relationship",
            "Review the selected relationship (continue, stop, start) and set how often to review it."),
    Command("filter", "slash", "focus_filter", "Filter", "Filter the list by name, company, email or tags.",
            group="Navigation", footer=True, key_display="/"),
    Command("clear-filter", "escape", "clear_filter", "Clear filter",
            "Clear the filter, the rung and the sphere filter, and return to the list.", group="Navigation"),
    Command("ladder", "L", "switch_ladder", "Switch ladder", "Show the next ladder (business, customer ...).",
            group="Ladders"),
    Command("reload", "r", "reload", "Reload", "Read the database again (changes made elsewhere).",
            group="Navigation"),
    Command("sort", "o", "toggle_sort", "Sort: name / urgency",
            "Order the list by name, or most overdue first (then soonest due).", group="Navigation"),
    Command("history", "H", "toggle_history", "Pyramid history",
            "Show or hide each rung's count over the last 12 months beside the pyramid.", group="Ladders"),
    Command("import", "I", "import_contacts", "Import contacts…",
            "Import a vCard, CSV (Google, LinkedIn, relterm) or JSON backup file.", group="Contacts"),
    Command("export", "X", "export_contacts", "Export contacts…",
            "Export the contacts to a vCard, CSV or JSON file.", group="Contacts"),
    Command("help", "question_mark", "app.help", "Help", "Show every key.", group="App", footer=True,
            key_display="?"),
    Command("quit", "q", "app.quit", "Quit", "Leave relterm.", group="App", footer=True),
]

# Not in the palette: keys that only make sense pressed (listed in the help screen).
NAVIGATION_HELP: list[tuple[str, str]] = [
    ("tab / shift+tab", "Move between the list, the pyramid, the card and the timeline."),
    ("up down / j k", "Move within the focused region."),
    ("g G / home end", "Jump to the top or the bottom."),
    ("pgup pgdn", "Move a page."),
    ("0 ... 9", "Filter the list to that rung (again to show everyone)."),
    ("enter (pyramid)", "Filter the list to the highlighted rung."),
    ("ctrl+p", "The command palette: every action by name."),
    ("escape (popup)", "Close the popup without saving."),
    ("enter (popup)", "Save the popup from any field."),
]


def all_commands() -> list[Command]:
    return COMMANDS + [view.command() for view in VIEWS]


def rung_bindings() -> list[Binding]:
    return [
        Binding(str(n), f"rung({n})", f"Rung {n}", show=False, id=f"rung-{n}", tooltip=f"Filter the list to rung {n}.")
        for n in range(10)
    ]


def screen_bindings() -> list[Binding]:
    bindings: list[Binding] = []
    for command in all_commands():
        bindings.extend(command.bindings())
    return bindings + rung_bindings()
