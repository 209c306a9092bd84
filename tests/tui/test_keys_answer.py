"""Keys that answer at once on a big list: what they show first, and that the answer is still the same one."""

from __future__ import annotations

import asyncio
import gc

from textual.suggester import SuggestFromList
from textual.widgets import Input

from relterm.domain import ContactRow
from relterm.rules import sort_key
from relterm.tui.data import ContactStore
from relterm.tui.modals.contact_form import ContactForm
from relterm.tui.modals.who_knows import WhoKnowsPopup
from relterm.tui.screens import main_rows
from relterm.tui.screens.agenda import AgendaScreen

from .helpers import filter_to, press, screen_text, settle, started, type_text

SIZE = (120, 40)
NAMES = ["Ada Lovelace", "adam Smith", "Élodie Martin", "elodie Zed", "Straße Hans", "Strasse Otto", "Zoë Kravitz",
         "zoe B", "Ömer Aydın", "Omer Ali", "O'Neil Shaq", "de la Cruz", "De Vries", "Ångström Anders", "angela",
         "ﬁona Apple", "Ωmega Point", "Dana Scully", "Dana Scully"]


def store_of(names: list[str]) -> ContactStore:
    order = sorted(enumerate(names), key=lambda pair: (sort_key(pair[1]), pair[0]))
    store = ContactStore()
    store.load([ContactRow(i, name, 0, "", "", "", (), None) for i, name in order])
    return store


def test_the_introducers_completion_is_the_one_a_list_of_every_name_gave():
    store = store_of(NAMES)
    every_name = SuggestFromList(store.names(), case_sensitive=False)
    prefixes = {name[:k].casefold() for name in NAMES for k in range(1, len(name) + 1)}
    prefixes |= {"x", "zz", "é", "ß", "straß", "fi", "ω", "dana scully ", "o'", "de "}
    for prefix in sorted(prefixes):
        assert store.first_name_starting(prefix) == asyncio.run(every_name.get_suggestion(prefix)), prefix


async def test_the_add_popup_completes_the_introducer_from_the_list(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "a")
        assert isinstance(app.screen, ContactForm)
        field = app.screen.query_one("#introduced-by", Input)
        field.focus()
        await type_text(pilot, "gra")
        assert field._suggestion == "Grace Hopper"
        await press(pilot, "escape")


async def test_who_knows_opens_reading_and_fills_in(people, core, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await filter_to(pilot, "Elena")
        await pilot.press("w")  # not settled: the popup is up before the ways in are read
        assert isinstance(app.screen, WhoKnowsPopup)
        await settle(pilot)
        text = screen_text(app)
        assert "Who knows Elena Ferrante" in text and "reading…" not in text
        assert "you -> Ben Okri -> Elena Ferrante" in text


async def test_r_in_the_agenda_says_reading_until_it_is_read(people, make_app):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "A")
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        box = screen.query_one("#agenda-box")
        title = str(box.border_title)
        screen.action_reload()
        assert str(box.border_title) == f"{title} · reading…"
        screen.action_reload()  # twice: said once
        assert str(box.border_title) == f"{title} · reading…"
        await settle(pilot)
        assert str(box.border_title) == title


async def test_a_big_list_is_frozen_out_of_the_cycle_collector(people, make_app, monkeypatch):
    monkeypatch.setattr(main_rows, "FREEZE_ROWS", 3)  # the test list stands for 100k contacts
    gc.unfreeze()
    app = make_app()
    try:
        async with started(app, SIZE):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_a_small_list_is_not_frozen(people, make_app):
    gc.unfreeze()
    async with started(make_app(), SIZE):
        assert gc.get_freeze_count() == 0


async def test_back_on_a_big_list_the_app_collects_while_idle(people, make_app, monkeypatch):
    from relterm.tui import memory

    monkeypatch.setattr(main_rows, "FREEZE_ROWS", 3)  # the test list stands for 100k contacts
    monkeypatch.setattr(memory, "IDLE_S", 0.05)
    monkeypatch.setattr(memory, "YOUNG_IDLE_S", 0.02)
    collected = []
    monkeypatch.setattr(memory.CollectorPolicy, "tidy", lambda self: collected.append(gc.get_count()))
    gc.unfreeze()
    young = gc.get_threshold()
    app = make_app()
    try:
        async with started(app, SIZE) as pilot:
            # The youngest generation waits longer while the app runs, and a full collection waits for more of
            # the middle one (keys pressed without a pause meet one about every 400 popups instead of 40).
            assert gc.get_threshold()[0] == memory.YOUNG and gc.get_threshold()[2] == memory.OLD
            await press(pilot, "e")
            assert isinstance(app.screen, ContactForm)
            await asyncio.sleep(0.2)
            assert not collected  # never while a popup is open
            await press(pilot, "escape")
            await asyncio.sleep(0.3)  # idle on the list: the closed popup is collected now, not at a later key
            await settle(pilot)
            assert collected
            count = len(collected)
            await press(pilot, "j", "j")
            await asyncio.sleep(0.2)
            assert len(collected) == count  # moving in the list is not a reason to collect
        assert gc.get_threshold() == young  # put back when the app ends
        assert gc.get_freeze_count() == 0  # and nothing it froze stays frozen
    finally:
        gc.unfreeze()


async def test_the_duplicate_search_of_a_big_list_says_it_has_started(people, make_app, monkeypatch):
    from relterm.tui import flows

    from .helpers import notifications

    monkeypatch.setattr(flows, "SLOW_SEARCH_ROWS", 3)  # the test list stands for 100k contacts
    app = make_app()
    async with started(app, SIZE) as pilot:
        await pilot.press("D")
        assert "Looking for likely duplicates among" in notifications(app)
        await settle(pilot)
