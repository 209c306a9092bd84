"""The panes of the main screen, one module each."""

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size_quietly(view: ScrollView, size: Size) -> None:
    """Resize a scroll view's content without a layout of the whole screen.

    Assigning ``virtual_size`` reflows every widget on the screen (a layout reactive). With the
    vertical scrollbar always shown (overflow-y: scroll) a new height changes no geometry: update
    the scrollbars instead. The caller repaints.
    """
    if size == view.virtual_size:
        return
    if not view.is_mounted or view.virtual_size.width != size.width:
        view.virtual_size = size
        return
    view.set_reactive(ScrollView.virtual_size, size)
    view._scroll_update(size)
