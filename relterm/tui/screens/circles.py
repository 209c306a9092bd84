"""Circles of influence: who introduced you to whom, as a tree.

Rooted at the people you met without an introduction; each person shows how
many people they opened up for you (their whole subtree). The trees are read
once in a thread worker; branches are filled in only when opened, so a
hundred thousand contacts cost no more on screen than the lines you unfold.
"""

from __future__ import annotations

from typing import Union

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from ..widgets.footer import AppFooter
from .view import ViewScreen
from ...intel.model import IntroNode

# Lines added at a time under one branch; a "more" line loads the next batch.
BATCH = 200


class _Pending:
    """The data of a branch whose lines are not built yet (a batch of nodes still to add)."""

    __slots__ = ("nodes", "start")

    def __init__(self, nodes: list[IntroNode], start: int) -> None:
        self.nodes = nodes
        self.start = start


NodeData = Union[IntroNode, _Pending, None]


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

    def compose(self) -> ComposeResult:
        with Vertical(id="circles-box"):
            yield Static(Text("enter: go to the person · right or l: open · left or h: close · esc: back"),
                         id="circles-hint")
            tree = IntroTree(Text("Loading the introductions ..."), id="circles")
            tree.auto_expand = False
            tree.show_root = False
            tree.guide_depth = 3
            yield tree
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#circles-box").border_title = "Circles of influence"
        self.query_one(Tree).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="circles")
    def load(self) -> None:
        worker = get_current_worker()
        with self.app.connection():
            forest = self.app.core.intel.forest()
        roots = forest.roots()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, forest, roots)

    def _loaded(self, forest, roots: list[IntroNode]) -> None:
        self.forest = forest
        tree = self.query_one(Tree)
        tree.clear()
        tree.root.expand()
        openers = [node for node in roots if node.direct]
        loners = [node for node in roots if not node.direct]
        introduced = sum(node.total for node in openers)
        box = self.query_one("#circles-box")
        box.border_title = (
            f"Circles of influence · {len(roots)} first contacts · {introduced} people reached through introductions"
        )
        hint = self.query_one("#circles-hint", Static)
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
        return label

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
        elif isinstance(data, _Pending):
            self._add_batch(node, data.nodes, data.start)

    def _more(self, node: TreeNode) -> None:
        """Replace a "more" line with the next batch."""
        data = node.data
        parent = node.parent
        if parent is None or not isinstance(data, _Pending):
            return
        node.remove()
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
        if not isinstance(data, IntroNode) or self.main is None:
            return
        self.dismiss()
        self.main.show_contact(data.contact_id)
