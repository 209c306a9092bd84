"""Merging two contacts: the preview of ``merge.plan_merge`` (merge, swap which is kept, or cancel), and
the list of likely duplicates (``merge.find_duplicates``) from which a pair opens in the preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...sanitize import clean_for_terminal
from ..popup import Popup
from ..widgets.footer import PopupFooter

_CSS_FRAME = """
    align: center middle;
}
%s > Vertical {
    width: 90;
    max-width: 100%%;
    height: auto;
    max-height: 100%%;
    border: thick $warning;
    background: $panel;
    padding: 0 1;
}
%s .merge-hint {
    color: $text-muted;
    margin-top: 1;
}
"""


@dataclass(frozen=True)
class MergeAnswer:
    """The preview's answer: merge ``other`` into ``keep``, or show the merge the other way round."""

    draft: tuple[int, int]  # (keep id, other id) as shown
    swap: bool = False


class MergePreview(Popup[Optional[MergeAnswer]]):
    DEFAULT_CSS = "MergePreview {" + _CSS_FRAME % ("MergePreview", "MergePreview") + """
    MergePreview VerticalScroll {
        height: auto;
        max-height: 16;
    }
    """

    TAKES_TYPEAHEAD = False  # a yes typed before the question showed is no answer (typeahead.py)
    BINDINGS = [
        Binding("y", "merge", "Merge", id="merge-yes"),
        Binding("s", "swap", "Keep the other", id="merge-swap"),
        Binding("n,escape", "cancel", "Cancel", id="merge-no"),
    ]

    def __init__(self, lines: Sequence[str], keep: tuple[int, int]) -> None:
        super().__init__()
        self.lines = [clean_for_terminal(line) for line in lines]
        self.keep = keep

    def compose(self) -> ComposeResult:
        with Vertical():
            yield VerticalScroll(Static(Text("\n".join(self.lines[1:]))), id="merge-body")
            yield Static(Text("y: merge · s: keep the other one instead · n or escape: cancel"),
                         classes="merge-hint")
        yield PopupFooter()

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = Text(self.lines[0].rstrip(":"), Style(bold=True))
        self.query_one("#merge-body").focus()

    def action_merge(self) -> None:
        self.dismiss(MergeAnswer(self.keep))

    def action_swap(self) -> None:
        self.dismiss(MergeAnswer(self.keep, swap=True))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DuplicatesList(Popup[Optional[tuple[int, int]]]):
    """Likely duplicates, one pair per line with the evidence; enter opens the pair in the merge preview."""

    DEFAULT_CSS = "DuplicatesList {" + _CSS_FRAME % ("DuplicatesList", "DuplicatesList") + """
    DuplicatesList OptionList {
        height: auto;
        max-height: 18;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Close", id="duplicates-close")]
    # The strongest pairs come first; a large list can have thousands (100k contacts: 11,744), and a
    # popup of them all took over a second to lay out as it opened and again as it closed.
    SHOWN = 200

    def __init__(self, pairs: Sequence) -> None:
        super().__init__()
        self.pairs = list(pairs)

    def compose(self) -> ComposeResult:
        with Vertical():
            options = []
            for index, pair in enumerate(self.pairs[:self.SHOWN]):
                prompt = Text()
                prompt.append(clean_for_terminal(pair.a_name), Style(bold=True))
                prompt.append(f" (id {pair.a_id}) and ")
                prompt.append(clean_for_terminal(pair.b_name), Style(bold=True))
                prompt.append(f" (id {pair.b_id})\n  ")
                prompt.append(clean_for_terminal("; ".join(pair.evidence)), Style(dim=True))
                options.append(Option(prompt, id=str(index)))
            yield OptionList(*options, id="duplicates")
            hint = "enter: preview merging the second into the first · escape: close"
            if len(self.pairs) > self.SHOWN:
                hint = (f"The {self.SHOWN} strongest of {len(self.pairs):,} are shown (a shared email or phone "
                        "first); `relterm duplicates` lists them all.\n" + hint)
            yield Static(Text(hint), classes="merge-hint")
        yield PopupFooter()

    def on_mount(self) -> None:
        count = len(self.pairs)
        self.query_one(Vertical).border_title = f"{count:,} likely duplicate{'s' if count != 1 else ''}"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        pair = self.pairs[int(event.option.id)]
        self.dismiss((pair.a_id, pair.b_id))

    def action_cancel(self) -> None:
        self.dismiss(None)
