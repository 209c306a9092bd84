"""Circles of influence: who introduced you to whom, as a tree.

Rooted at the people you met without an introduction; each person shows how
many people they opened up for you (their whole subtree). The trees are read
once in a thread worker; branches are filled in only when opened, so a
hundred thousand contacts cost no more on screen than the lines you unfold.

People who sit in two or more circles (``relterm overlaps``: introduced by
one, named by another, met together with a third) are marked; ``o`` shows
only them, each opening onto every circle they sit in.
"""

from __future__ import annotations

from typing import Optional, Union

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from ..widgets.footer import AppFooter
from ..workers import in_thread
from .view import ViewScreen
from ...intel.model import Circle, IntroNode, Overlap
from ...present import how_text

# Lines added at a time under one branch; a "more" line loads the next batch. A screenful and more:
# 200 lines took 35 ms of building at 100k contacts each time o switched to the overlaps.
BATCH = 60


class _Pending:
    """The data of a branch whose lines are not built yet (a batch of nodes still to add)."""

    __slots__ = ("nodes", "start")

    def __init__(self, nodes: list[IntroNode], start: int) -> None:
        self.nodes = nodes
        self.start = start


NodeData = Union[IntroNode, Overlap, Circle, _Pending, None]
OVERLAP_MARK = "◆"


class IntroTree(Tree[NodeData]):
    """The tree, with right opening a branch and left closing it (or going to the parent)."""

    BINDINGS = [
        Binding("right,l", "open_branch", "Open", show=False),
        Binding("left,h", "close_branch", "Close", show=False),
    ]

    def action_open_branch(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()

    def action_close_branch(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent)


class CirclesScreen(ViewScreen):
    VIEW_ID = "circles"  # its keys: relterm.tui.commands.VIEWS

    DEFAULT_CSS = """
    CirclesScreen Tree {
        height: 1fr;
        background: $surface;
    }
    CirclesScreen #circles-hint {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.forest = None
        self.roots: list[IntroNode] = []
        # The roots split once as they load (tens of thousands at 100k: splitting them again each time o
        # switched back to the tree took 20 ms): those who opened up people for you, and the rest.
        self.openers: list[IntroNode] = []
        self.loners: list[IntroNode] = []
        self.introduced = 0
        self.overlaps: dict[int, Overlap] = {}  # contact id -> the circles they sit in (two or more)
        self.only_overlaps = False

    HINT = (f"enter: go to the person · right or l: open · left or h: close · {OVERLAP_MARK}: in several circles, "
            "o: only them · esc: back")

    def compose(self) -> ComposeResult:
        with Vertical(id="circles-box"):
            yield Static(Text(self.HINT), id="circles-hint")
            tree = IntroTree(Text("Loading the introductions ..."), id="circles")
            tree.auto_expand = False
            tree.show_root = False
            tree.guide_depth = 3
            yield tree
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#circles-box").border_title = "Circles of influence"
        self.query_one(Tree).focus()
        self.call_after_refresh(self.load)  # after the first frame: a loader thread would delay it

    @work(exclusive=True, exit_on_error=False, group="circles")
    async def load(self) -> None:
        self._loaded(*await in_thread(self, self._read, group="circles"))

    def _read(self) -> tuple:
        """In a thread: the introductions' forest, its roots and the people in several circles."""
        forest = self.app.core.intel.forest()
        overlaps = self.app.core.intel.overlaps()
        return forest, forest.roots(), overlaps

    def _loaded(self, forest, roots: list[IntroNode], overlaps: list[Overlap] = ()) -> None:
        self.forest = forest
        self.roots = roots
        self.openers = [node for node in roots if node.direct]
        self.loners = [node for node in roots if not node.direct]
        self.introduced = sum(node.total for node in self.openers)
        self.overlaps = {item.contact_id: item for item in overlaps}
        self._overlap_list = list(overlaps)
        if self.only_overlaps:
            self._show_overlaps()
            return
        self._show_tree()

    def _show_tree(self) -> None:
        roots, openers, loners, introduced = self.roots, self.openers, self.loners, self.introduced
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        box = self.query_one("#circles-box")
        box.border_title = (
            f"Circles of influence · {len(roots)} first contacts · {introduced} people reached through introductions"
        )
        hint = self.query_one("#circles-hint", Static)
        hint.update(Text(self.HINT))
        if not roots:
            hint.update(Text("No contacts yet: a on the main screen adds one. esc: back"))
            return
        if not openers:
            hint.update(Text("Nobody has introduced you to anyone yet: i on a contact records names they gave you."))
        self._add_batch(tree.root, openers, 0)
        if loners:
            label = Text(f"Met directly, no introductions yet ({len(loners)})", Style(dim=True))
            group = tree.root.add(label, data=_Pending(loners, 0), expand=False)
            group.allow_expand = True
        tree.cursor_line = 0

    def _label(self, node: IntroNode) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(node.name, Style(bold=node.direct > 0))
        if node.rank is not None:
            # The forest's ranks are on the default ladder, whichever ladder the main screen shows.
            ladder = self.app.config.ladders[self.app.config.default_ladder]
            label.append(f"  {ladder.label(node.rank)}", Style(dim=True))
        if node.total:
            label.append(f"  ({node.total})")
        if node.to_contact:
            label.append("  to contact", Style(italic=True, dim=True))
        overlap = self.overlaps.get(node.contact_id)
        if overlap is not None:
            label.append(f"  {OVERLAP_MARK} in {len(overlap.circles)} circles", self._mark_style())
        return label

    def _mark_style(self) -> Style:
        return self.app.theme_style("accent", bold=True)

    # Only the overlaps ---------------------------------------------------------------------

    def action_toggle_overlaps(self) -> None:
        if self.forest is None:
            return
        self.only_overlaps = not self.only_overlaps
        if self.only_overlaps:
            self._show_overlaps()
        else:
            self._show_tree()

    def _show_overlaps(self) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        items = self._overlap_list
        self.query_one("#circles-box").border_title = (
            f"Circles of influence · only the {len(items)} people in two or more circles")
        hint = self.query_one("#circles-hint", Static)
        if not items:
            hint.update(Text("Nobody sits in two circles yet. o: the whole tree · escape: back"))
            return
        hint.update(Text("enter: go to the person · right: every circle they sit in · o: the whole tree · "
                         "escape: back"))
        self._add_overlaps(tree.root, items, 0)
        tree.cursor_line = 0

    def _overlap_label(self, item: Overlap, mark: Optional[Style] = None) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(f"{OVERLAP_MARK} ", mark or self._mark_style())
        label.append(item.name, Style(bold=True))
        if item.rank is not None:
            ladder = self.app.config.ladders[self.app.config.default_ladder]
            label.append(f"  {ladder.label(item.rank)}", Style(dim=True))
        label.append(f"  in {len(item.circles)} circles: ")
        label.append(", ".join(c.name for c in item.circles), Style(dim=True))
        return label

    def _add_overlaps(self, parent: TreeNode, items: list[Overlap], start: int) -> None:
        end = min(start + BATCH, len(items))
        mark = self._mark_style()
        for item in items[start:end]:
            parent.add(self._overlap_label(item, mark), data=item, allow_expand=True)
        if end < len(items):
            parent.add_leaf(Text(f"... {len(items) - end} more (enter shows them)", Style(dim=True)),
                            data=_Pending(items, end))

    def _add_batch(self, parent: TreeNode, nodes: list[IntroNode], start: int) -> None:
        end = min(start + BATCH, len(nodes))
        for node in nodes[start:end]:
            if node.direct:
                parent.add(self._label(node), data=node, allow_expand=True)
            else:
                parent.add_leaf(self._label(node), data=node)
        if end < len(nodes):
            parent.add_leaf(Text(f"... {len(nodes) - end} more (enter shows them)", Style(dim=True)),
                            data=_Pending(nodes, end))

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded) -> None:
        node = event.node
        if node.children or self.forest is None:
            return
        data = node.data
        if isinstance(data, IntroNode):
            self._add_batch(node, self.forest.children(data.contact_id), 0)
        elif isinstance(data, Overlap):
            for circle in data.circles:
                node.add_leaf(Text(f"through {circle.name} ({how_text(circle.how)})", no_wrap=True,
                                   overflow="ellipsis"), data=circle)
        elif isinstance(data, _Pending):
            self._add_batch(node, data.nodes, data.start)

    def _more(self, node: TreeNode) -> None:
        """Replace a "more" line with the next batch."""
        data = node.data
        parent = node.parent
        if parent is None or not isinstance(data, _Pending):
            return
        node.remove()
        if data.nodes and isinstance(data.nodes[0], Overlap):
            self._add_overlaps(parent, data.nodes, data.start)
        else:
            self._add_batch(parent, data.nodes, data.start)

    # Actions ------------------------------------------------------------------------------

    def action_open_branch(self) -> None:
        self.query_one(IntroTree).action_open_branch()

    def action_close_branch(self) -> None:
        self.query_one(IntroTree).action_close_branch()


    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.action_open_contact()

    def action_open_contact(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is None:
            return
        data = node.data
        if isinstance(data, _Pending):
            if node.allow_expand:
                node.toggle()
            else:
                self._more(node)
            return
        if not isinstance(data, (IntroNode, Overlap, Circle)) or self.main is None:
            return
        self.dismiss()
        self.main.show_contact(data.contact_id)
