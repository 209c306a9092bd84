"""Everything needed to work is on screen at 80x24; at 120x40 the columns share the width by content."""

from __future__ import annotations

from relterm.config import load_config
from relterm.core import Core
from relterm.demo import build_demo

from .helpers import press, screen_text, started


async def test_at_80x24_the_footer_shows_every_view_and_the_pyramid_names_the_rung(people, make_app):
    app = make_app()
    async with started(app, (80, 24)):
        lines = screen_text(app).splitlines()
        footer = lines[-1]
        for key in ("a Add", "l Log", "? Help", "q Quit", "A Agenda", "C Circles", "M Matrix"):
            assert key in footer, footer
        # Ada (rung 5) is selected: her rung is named in the one-line pyramid.
        assert "▶5 Regular" in lines[0], lines[0]


async def test_at_80x24_the_matrix_keeps_its_sphere_names_in_view(people, core, make_app):
    app = make_app()
    async with started(app, (80, 24)) as pilot:
        await press(pilot, "M", "down", *["l"] * 9)
        text = screen_text(app)
        assert "Total" in text and "acquaintance" in text, text


async def test_at_120x40_company_names_are_not_cut_while_the_name_column_has_room(tmp_path, config_dir):
    from relterm.tui.app import RelTermApp

    path = build_demo(tmp_path / "demo.db", load_config())
    core = Core(path, load_config())
    app = RelTermApp(core, core.config, config_dir=config_dir, demo=True, watch_database=False)
    try:
        async with started(app, (120, 40)):
            text = screen_text(app)
            assert "Lagoon Analytics" in text
            assert "Amara Nwosu" in text
    finally:
        core.close()


async def test_wide_characters_keep_the_list_columns(core, make_app):
    people = [("山田太郎", "東京電力"), ("Zoe\u0301 Park", "Cafe\u0301 Noir"), ("Sam 🙂 Lee", "Smile Co"),
              ("Ada Lovelace", "Engines")]
    for name, company in people:
        core.add_contact(name, level=2, company=company, sphere="business")
    app = make_app()
    async with started(app, (120, 40)):
        from rich.cells import cell_len

        lines = screen_text(app).splitlines()
        starts = set()
        for name, company in people:
            line = next(line for line in lines if company in line)
            starts.add(cell_len(line[: line.index(company)]))
        assert len(starts) == 1, lines[:8]
