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
    keys: str  # Textual key names, comma separated: the first is the one shown ("": the palette only)
    action: str  # an action of the main screen, e.g. "add_contact" or "rung(3)"
    title: str  # short, for the footer and the palette
    help: str  # one sentence, for the help screen and the palette
    group: str = "Contacts"
    footer: bool = False
    key_display: str | None = None
    palette: bool = True
    # "timeline": a key of the focused timeline (its binding runs the screen's action); else the screen's.
    scope: str = "screen"
    # Shown in the footer together with the next command of the same group, under this one word
    # ("+- Level"): the footer must hold every key needed at 80 columns.
    footer_group: str | None = None

    def bindings(self) -> Iterator[Binding]:
        if not self.keys:
            return
        action = f"screen.{self.action}" if self.scope == "timeline" else self.action
        group = Binding.Group(self.footer_group, compact=True) if self.footer_group else None
        yield Binding(
            self.keys, action, self.title, show=self.footer, key_display=self.key_display, id=self.id,
            tooltip=self.help, group=group,
        )

    @property
    def shown_keys(self) -> str:
        if self.key_display:
            return self.key_display
        if not self.keys:
            return "ctrl+p"  # the palette only
        return " ".join(_pretty(key) for key in self.keys.split(","))


@dataclass(frozen=True)
class ViewKey:
    """A key of a view (a whole screen such as the agenda): its binding, help line and palette entry."""

    keys: str  # Textual key names, comma separated: the first is the one shown
    action: str  # an action of the view's screen (or "app.…")
    title: str
    help: str
    footer: bool = True
    key_display: str | None = None
    priority: bool = False  # before the focused widget's own binding of the key (movement: the same everywhere)

    def binding(self, view_id: str) -> Binding:
        return Binding(self.keys, self.action, self.title, show=self.footer, key_display=self.key_display,
                       id=f"{view_id}-{self.action}", tooltip=self.help, priority=self.priority)

    @property
    def shown_keys(self) -> str:
        if self.key_display:
            return self.key_display
        return " ".join(_pretty(key) for key in self.keys.split(","))


# The keys every view takes, the same everywhere: movement in its list, back, quit, help.
VIEW_COMMON: tuple[ViewKey, ...] = (
    ViewKey("down,j", "move(1)", "Down", "Move down the list.", footer=False, key_display="down j", priority=True),
    ViewKey("up,k", "move(-1)", "Up", "Move up the list.", footer=False, key_display="up k", priority=True),
    ViewKey("home,g", "edge(0)", "Top", "Jump to the top of the list.", footer=False, key_display="g home", priority=True),
    ViewKey("end,G", "edge(1)", "Bottom", "Jump to the bottom of the list.", footer=False, key_display="G end", priority=True),
    ViewKey("pageup", "page(-1)", "Page up", "Move a page up.", footer=False, priority=True),
    ViewKey("pagedown", "page(1)", "Page down", "Move a page down.", footer=False, priority=True),
    ViewKey("escape", "back", "Back", "Go back to the contact list.", key_display="esc"),
    ViewKey("question_mark", "app.help", "Help", "Show every key.", key_display="?"),
    ViewKey("q", "app.quit", "Quit", "Leave relterm."),
)


@dataclass(frozen=True)
class View:
    """A screen opened by a key from the main screen, with the keys it takes besides ``VIEW_COMMON``."""

    id: str
    key: str
    title: str
    help: str
    target: str  # "module:ClassName" inside relterm.tui.screens
    keys: tuple[ViewKey, ...] = ()
    footer: bool = True  # in the main screen's footer (every view is in the help and the palette)

    def command(self) -> Command:
        return Command(
            f"view-{self.id}", self.key, f"app.open_view('{self.id}')", self.title, self.help, group="Views",
            footer=self.footer,
        )

    def bindings(self) -> list[Binding]:
        return [key.binding(self.id) for key in (*self.keys, *VIEW_COMMON)]


_KEY_NAMES = {
    "plus": "+", "minus": "-", "question_mark": "?", "slash": "/", "shift+tab": "shift+tab",
    "pageup": "pgup", "pagedown": "pgdn",
}


def _pretty(key: str) -> str:
    return _KEY_NAMES.get(key, key)


# Views added by other modules, one line each (see the module docstring).
VIEWS: list[View] = []
VIEWS.append(View("agenda", "A", "Agenda", "Whom to reach out to now: overdue, reviews, names, birthdays.",
                  "agenda:AgendaScreen", keys=(
                      ViewKey("enter", "open_contact", "Go to", "Select the person in the contact list."),
                      ViewKey("l", "act", "Log", "Log an interaction (on a review: hold the review)."),
                      ViewKey("s", "snooze", "Snooze", "Hide the highlighted item for some days."),
                      ViewKey("d", "close_follow_up('done')", "Done", "Mark the highlighted follow-up done."),
                      ViewKey("x", "close_follow_up('dismissed')", "Dismiss",
                              "Dismiss the highlighted follow-up (not worth doing).", footer=False),
                      ViewKey("r", "reload", "Reload", "Read the agenda again.", footer=False),
                  )))
VIEWS.append(View("circles", "C", "Circles", "Who introduced you to whom, how many each opened up; o: only people in several circles.",
                  "circles:CirclesScreen", keys=(
                      ViewKey("enter", "open_contact", "Go to", "Select the person in the contact list "
                              "(on a group or a \"more\" line: open it)."),
                      ViewKey("right,l", "open_branch", "Open", "Show whom they introduced you to.",
                              key_display="right l"),
                      ViewKey("left,h", "close_branch", "Close", "Fold the branch, or go to the parent.",
                              key_display="left h"),
                      ViewKey("o", "toggle_overlaps", "Overlaps", "Show only the people in several circles (◆), "
                              "or everyone again."),
                  )))
VIEWS.append(View("matrix", "M", "Matrix", "Contacts by sphere and rung; enter filters the list to a cell.",
                  "matrix:MatrixScreen", keys=(
                      ViewKey("enter", "choose", "Filter the list",
                              "Show the cell's contacts in the list (a total: the whole sphere or rung)."),
                      ViewKey("left,h", "column(-1)", "Left", "Move a column left.", footer=False,
                              key_display="left h"),
                      ViewKey("right,l", "column(1)", "Right", "Move a column right.", footer=False,
                              key_display="right l"),
                  )))
VIEWS.append(View("archive", "V", "Archive", "Archived contacts: browse, filter and restore them.",
                  "archive:ArchiveScreen", keys=(
                      ViewKey("R,enter", "restore", "Restore", "Bring the highlighted contact back to the list "
                              "(after confirmation).", key_display="R enter"),
                      ViewKey("slash", "focus_filter", "Filter", "Filter the archive by name, company, email or "
                              "tags.", key_display="/"),
                  )))


def view(view_id: str) -> View:
    return next(v for v in VIEWS if v.id == view_id)


COMMANDS: list[Command] = [
    Command("add", "a", "add_contact", "Add", "Add a contact (name, level, sphere, company, email, introduced by).",
            footer=True),
    Command("log", "l", "log_interaction", "Log", "Log an interaction with the selected contact.", footer=True),
    Command("promote", "plus", "promote", "Promote", "Move the selected contact one rung up, with a reason.",
            footer=True, key_display="+", footer_group="Level"),
    Command("demote", "minus", "demote", "Demote", "Move the selected contact one rung down, with a reason.",
            footer=True, key_display="-", footer_group="Level"),
    Command("move", "p", "move_level", "Move to rung", "Move the selected contact to any rung, with a reason."),
    Command("edit", "e", "edit_contact", "Edit", "Edit the selected contact."),
    Command("archive", "d", "archive", "Archive", "Archive the selected contact (after confirmation; u undoes)."),
    Command("undo", "u", "undo", "Undo archive", "Bring back the contact archived a moment ago."),
    Command("names", "i", "give_names", "Names they gave",
            "Record names the selected contact gave you (one per line), to contact."),
    Command("mark", "m", "mark_for_merge", "Mark to merge",
            "Mark or unmark the selected contact (*) to merge it with another; the first marked is kept."),
    Command("merge", "J", "merge_marked", "Merge marked",
            "Preview merging the two marked contacts into one, then merge (y) or keep the other (s)."),
    Command("duplicates", "D", "find_duplicates", "Find duplicates",
            "List likely duplicates (same email or phone, same or near-identical names); enter previews a merge."),
    Command("undo-merge", "U", "undo_merge", "Undo merge",
            "Put back both contacts of the last merge as they were (until the next merge)."),
    Command("who-knows", "w", "who_knows", "Who knows them",
            "Everyone connected to the selected contact, your level with each, and every chain to them."),
    Command("brief", "b", "show_brief", "Brief",
            "Before a coffee: the selected contact's profile link, next rung, recent entries, names not "
            "contacted yet, give/ask, review, and a reminder to ask for names."),
    Command("review", "R", "review", "Review relationship",
            "Review the selected relationship (continue, stop, start) and set how often to review it."),
    # Not in the footer: the filter field above the list says "/ to filter" itself.
    Command("filter", "slash", "focus_filter", "Filter", "Filter the list by name, company, email or tags.",
            group="Navigation", key_display="/"),
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
            "Export the contacts shown, or everyone, to a vCard, CSV, ICS calendar, vdir folder or JSON backup.",
            group="Contacts"),
    Command("sync", "S", "sync", "Sync with phone",
            "Run `relterm sync`: merge the contacts vdir, write cards and the agenda, run vdirsyncer "
            "(set it up first with `relterm sync init`).", group="App"),
    Command("sync-vdirs", "", "sync(False)", "Sync vdirs only",
            "`relterm sync --no-vdirsyncer`: bring the vdirs and the database in step; run vdirsyncer yourself.",
            group="App"),
    Command("help", "question_mark", "app.help", "Help", "Show every key.", group="App", footer=True,
            key_display="?"),
    Command("quit", "q", "app.quit", "Quit", "Leave relterm.", group="App", footer=True),
]

# Keys of the focused timeline, on the highlighted entry (they shadow e, d and u of the list there).
TIMELINE_COMMANDS: list[Command] = [
    Command("entry-edit", "e", "edit_entry", "Edit entry",
            "Change the highlighted timeline entry's date, kind or text (a level change's reason).",
            group="Timeline", footer=True, scope="timeline"),
    Command("entry-delete", "d", "delete_entry", "Delete entry",
            "Delete the highlighted timeline entry, after confirmation.", group="Timeline", footer=True,
            scope="timeline"),
    Command("entry-undo", "u", "undo_entry", "Undo entry fix",
            "Take back the last timeline edit or delete (once; also `relterm event undo`).", group="Timeline",
            footer=True, scope="timeline"),
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
    return COMMANDS + TIMELINE_COMMANDS + [view.command() for view in VIEWS]


def timeline_bindings() -> list[Binding]:
    return [binding for command in TIMELINE_COMMANDS for binding in command.bindings()]


def rung_bindings() -> list[Binding]:
    return [
        Binding(str(n), f"rung({n})", f"Rung {n}", show=False, id=f"rung-{n}", tooltip=f"Filter the list to rung {n}.")
        for n in range(10)
    ]


def screen_bindings() -> list[Binding]:
    bindings: list[Binding] = []
    for command in all_commands():
        if command.scope == "screen":
            bindings.extend(command.bindings())
    return bindings + rung_bindings()
