"""No silent lost update: the edit popup writes only what the user changed, and a contact changed
by another process since the popup opened is never overwritten unseen.

The app runs with Pilot pressing real keys; the other writer is the real `relterm edit` in a
subprocess, or a second Core on the same file."""

from __future__ import annotations

import pytest

from relterm.errors import ConflictError
from relterm.tui.modals.confirm import Confirm
from relterm.tui.modals.contact_form import ContactForm

from tests.tui.conftest import fresh_core, make_app, people  # noqa: F401 (fixtures)
from tests.tui.helpers import notifications, press, started, type_text

SIZE = (140, 44)


async def test_enter_without_changes_keeps_the_command_lines_change(people, make_app, core, run_cli):
    app = make_app()
    async with started(app, SIZE) as pilot:
        await press(pilot, "e")  # Ada Lovelace, selected first
        assert isinstance(app.screen, ContactForm)
        result = run_cli("edit", "Ada Lovelace", "--company", "Babbage & Co", "--email", "ada@babbage.example")
        assert result.code == 0, result
        await press(pilot, "enter")
        assert not isinstance(app.screen, ContactForm)
        card = core.card(core.resolve("Ada Lovelace"))
        assert (card.company, card.email) == ("Babbage & Co", "ada@babbage.example")
        assert "Nothing changed" in notifications(app)


async def test_a_changed_field_is_written_alone(people, make_app, core, fresh_core):
    """The user changes the company; another writer changed the email meanwhile: the email stays."""
    app = make_app()
    ada = core.resolve("Ada Lovelace")
    async with started(app, SIZE) as pilot:
        await press(pilot, "e")
        fresh_core.edit_contact(ada, email="new@engines.example")
        await press(pilot, "tab", "tab", "tab")  # company
        await type_text(pilot, "Difference Engines")
        await press(pilot, "enter")
        card = core.card(ada)
        # Either saved on top of the other change, or refused as a conflict: never the old email back.
        assert card.email == "new@engines.example"
        if isinstance(app.screen, Confirm):  # told about the change: reload, then save again
            await press(pilot, "y")
            assert isinstance(app.screen, ContactForm)
            assert app.screen.query_one("#email").value == "new@engines.example"
            assert app.screen.query_one("#company").value == "Difference Engines"
            await press(pilot, "enter")
        card = core.card(ada)
        assert (card.company, card.email) == ("Difference Engines", "new@engines.example")


async def test_a_field_changed_on_both_sides_is_not_overwritten_silently(people, make_app, core, fresh_core):
    app = make_app()
    ada = core.resolve("Ada Lovelace")
    async with started(app, SIZE) as pilot:
        await press(pilot, "e")
        fresh_core.edit_contact(ada, company="Their Company")
        await press(pilot, "tab", "tab", "tab")
        await type_text(pilot, "My Company")
        await press(pilot, "enter")
        assert core.card(ada).company == "Their Company"  # nothing overwritten
        assert isinstance(app.screen, Confirm)
        assert "changed elsewhere" in notifications(app)
        await press(pilot, "n")  # back to the popup as the user left it
        assert isinstance(app.screen, ContactForm)
        assert app.screen.query_one("#company").value == "My Company"
        await press(pilot, "enter")  # still stale: asked again, not saved
        assert isinstance(app.screen, Confirm)
        assert core.card(ada).company == "Their Company"
        await press(pilot, "y")  # reload: the stored details, the user's company on top
        assert app.screen.query_one("#company").value == "My Company"
        await press(pilot, "enter")  # now a deliberate choice
        assert core.card(ada).company == "My Company"


def test_core_refuses_an_edit_against_a_stale_version(people, core, fresh_core):
    ada = core.resolve("Ada Lovelace")
    seen = core.card(ada).version
    fresh_core.edit_contact(ada, title="Countess")  # same second as the read: updated_at alone misses it
    with pytest.raises(ConflictError, match="changed elsewhere"):
        core.edit_contact(ada, company="Mine", if_version=seen)
    assert core.card(ada).company == "Analytical Engines"
    core.edit_contact(ada, company="Mine", if_version=core.card(ada).version)
    assert core.card(ada).company == "Mine"


def test_a_rank_change_elsewhere_changes_the_version(people, core, fresh_core):
    ada = core.resolve("Ada Lovelace")
    seen = core.card(ada).version
    fresh_core.change_level(ada, to=6, reason="elsewhere")
    assert core.card(ada).version != seen
