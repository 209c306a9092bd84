"""The help screen: every key, from the same command definitions as the footer and the palette."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from .text_popup import TextPopup
from ..commands import NAVIGATION_HELP, VIEW_COMMON, VIEWS, all_commands


class KeyTable:
    """Rows of (keys, what they do): the keys in a column as wide as the widest, what they do wrapped
    beside it. Laid out once per width and kept, since the keys do not change while the app runs: a
    Rich table of the ~180 rows was measured and rendered twice each time the help opened (over 100 ms
    at 100k contacts, where every key is to answer within 50 ms)."""

    GAP = 2

    def __init__(self, rows: list[tuple[Text, Text]]) -> None:
        self.rows = rows
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = self._lines.get(width)
        if lines is None:
            lines = self._lines[width] = self._lay_out(console, width)
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line

    def _lay_out(self, console: Console, width: int) -> list[list[Segment]]:
        key_width = min(max((keys.cell_len for keys, _ in self.rows), default=0), max(width // 2, 1))
        text_width = max(width - key_width - self.GAP, 1)
        indent = [Segment(" " * (key_width + self.GAP))]
        gap = Segment(" " * self.GAP)
        lines = []
        for keys, text in self.rows:
            shown = keys.copy()
            shown.truncate(key_width, overflow="ellipsis", pad=True)
            first = [*_segments(shown, console), gap]
            parts = text.wrap(console, text_width) if text.plain else [Text()]
            for index, part in enumerate(parts):
                lines.append((first if index == 0 else indent) + _segments(part, console))
        return lines


def _segments(text: Text, console: Console) -> list[Segment]:
    """``text`` as segments, its own style included (``Text.render`` leaves that to the caller)."""
    segments = text.render(console)
    if not text.style:
        return list(segments)
    return list(Segment.apply_style(segments, console.get_style(text.style)))


def help_rows() -> list[tuple[Text, Text]]:
    """Every command by group: (keys, what they do), a blank row between groups."""
    bold = Style(bold=True)
    heading = Style(bold=True, underline=True)
    blank = (Text(), Text())
    rows: list[tuple[Text, Text]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for command in all_commands():
        groups.setdefault(command.group, []).append((command.shown_keys, f"{command.title}: {command.help}"))
    groups.setdefault("Navigation", []).extend(NAVIGATION_HELP)
    for group in ("Contacts", "Timeline", "Ladders", "Navigation", "Views", "App"):
        entries = groups.get(group)
        if not entries:
            continue
        if rows:
            rows.append(blank)
        note = "keys of the focused timeline (tab to it), on the highlighted entry" if group == "Timeline" else ""
        rows.append((Text(group, heading), Text(note, Style(dim=True))))
        rows += [(Text(keys, bold), Text(description)) for keys, description in entries]
    # Each view's own keys, then the keys every view takes: from the same registry as their footers.
    for view in VIEWS:
        rows += [blank, (Text(f"{view.title} view ({view.key})", heading), Text())]
        rows += [(Text(key.shown_keys, bold), Text(f"{key.title}: {key.help}")) for key in view.keys]
    rows += [blank, (Text("In every view", heading), Text())]
    rows += [(Text(key.shown_keys, bold), Text(f"{key.title}: {key.help}")) for key in VIEW_COMMON]
    return rows


@lru_cache(maxsize=1)
def help_text() -> KeyTable:
    """The help's text, built once per run (its layout is kept per width, see KeyTable)."""
    return KeyTable(help_rows())


class HelpScreen(TextPopup):
    BINDINGS = [
        Binding("escape,question_mark", "close", "Close", id="help-close"),
        Binding("q", "app.quit", "Quit", id="help-quit"),
    ]
    BODY_ID = "help-body"
    TEXT_ID = "help-text"

    def body(self) -> KeyTable:
        return help_text()

    def popup_title(self) -> str:
        return "relterm keys (escape closes)"
