"""Small traps seen in tmux: the footer's keys at 80x24, the archive's dates, long names cut while there is room."""

from __future__ import annotations

import pytest

from relterm.config import load_config
from relterm.core import Core
from relterm.demo import build_demo

from .helpers import press, screen_text, started


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_main_footer_shows_every_view_including_the_archive(people, make_app, size):
    app = make_app()
    async with started(app, size):
        footer = screen_text(app).splitlines()[-1]
        for key in ("a Add", "l Log", "+- Level", "? Help", "q Quit", "A Agenda", "C Circles", "M Matrix",
                    "V Archive"):
            assert key in footer, footer


async def test_the_archive_row_shows_the_whole_last_contact_date_at_80x24(people, core, make_app):
    ada = core.resolve("Ada Lovelace")  # last contact 2026-11-02, a company and a long label
    core.archive(ada)
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "V")
        row = next(line for line in screen_text(app).splitlines() if "Ada Lovelace" in line)
        assert "last 2026-11-02" in row, row
        assert "Analytical Engines" in row or "…" not in row.split("last")[0], row


async def test_a_long_name_is_not_cut_while_the_company_column_can_give_a_cell(tmp_path, config_dir):
    """At 120x40 the demo's widest name and widest company need one cell more than the list has:
    the name, by which a person is found, stays whole."""
    from relterm.tui.app import RelTermApp

    path = build_demo(tmp_path / "demo.db", load_config())
    core = Core(path, load_config())
    app = RelTermApp(core, core.config, config_dir=config_dir, demo=True, watch_database=False)
    try:
        async with started(app, (120, 40)):
            text = screen_text(app)
            assert "Camille Laurent" in text, text
            assert "Lagoon Analytics" in text
    finally:
        core.close()


def test_name_and_company_share_the_width_by_what_they_need():
    from relterm.tui.data import share_width

    assert share_width(40, 10, 10) == (20, 20)  # room for both: the spare cells are split
    assert share_width(37, 19, 19) == (19, 18)  # one cell short: the name keeps its cells
    assert share_width(37, 30, 10) == (27, 10)  # a short company keeps what it needs
    assert sum(share_width(37, 40, 40)) == 37  # both too wide: in proportion
