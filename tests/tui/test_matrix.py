"""The matrix view (M): contacts by sphere and rung; enter filters the main list to a cell."""

from __future__ import annotations

from textual.widgets import DataTable

from relterm.tui.screens.main import MainScreen
from relterm.tui.screens.matrix import MatrixScreen

from .helpers import filter_to, press, screen_text, settle, shown_names, started, type_text

SIZE = (120, 40)


def table_rows(app) -> dict[str, list[str]]:
    table = app.screen.query_one(DataTable)
    out = {}
    for row in range(table.row_count):
        cells = [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(row)]
        out[cells[0]] = cells[1:]
    return out


async def test_matrix_shows_counts_by_sphere_and_rung(people, make_app, core):
    core.add_contact("Hedy Lamarr", level=5, sphere="business")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "M")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        text = screen_text(app)
        assert "Contacts by sphere and rung" in text and "8 contacts" in text
        assert "0 Cold" in text and "6 Friend" in text
        rows = table_rows(app)
        # Columns: rungs 0 to 6, then the total.
        assert rows["business"] == ["1", "1", "·", "·", "1", "2", "1", "6"]
        assert rows["friends"] == ["·", "·", "·", "1", "·", "·", "·", "1"]
        assert rows["acquaintance"] == ["·", "·", "1", "·", "·", "·", "·", "1"]
        assert rows["Total"] == ["1", "1", "1", "1", "1", "2", "1", "8"]
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
        assert len(shown_names(app)) == 8


async def test_enter_on_a_cell_filters_the_list_to_that_sphere_and_rung(people, make_app, core):
    core.add_contact("Hedy Lamarr", level=5, sphere="business")
    core.add_contact("Ivan Petrov", level=5, sphere="friends")
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "slash")
        await type_text(pilot, "zzz")  # a text filter the matrix replaces
        await press(pilot, "escape")
        await filter_to(pilot, "ada")
        await press(pilot, "M")
        await settle(pilot)
        # The cursor starts on the first sphere (family) at rung 0: one down is business, five right rung 5.
        await press(pilot, "down", "right", "right", "right", "right", "right", "enter")
        assert isinstance(app.screen, MainScreen)
        assert shown_names(app) == ["Ada Lovelace", "Hedy Lamarr"]
        text = screen_text(app)
        assert "Contacts 2 of 9 · sphere business · rung 5" in text
        assert app.main_screen.query_one("#filter").value == ""
        # escape clears the sphere and the rung.
        await press(pilot, "escape")
        assert len(shown_names(app)) == 9
        assert "sphere" not in screen_text(app).splitlines()[0]
        # The totals column filters by sphere alone.
        await press(pilot, "M")
        await settle(pilot)
        await press(pilot, "down", "down", *["l"] * 8, "enter")  # l (right) to the totals column
        assert shown_names(app) == ["Ben Okri", "Ivan Petrov"]
        assert "sphere friends" in screen_text(app)
