"""A timeline line that already names the other person does not repeat them ("(with Tom Becker)")."""

from __future__ import annotations

from .helpers import filter_to, started, timeline_text


async def test_an_introduction_names_the_person_once(core, make_app):
    tom = core.add_contact("Tom Becker")
    li = core.add_contact("Li Wei")
    core.intel.introduce(li, "Tom Becker")
    core.log(li, "call", "Quick call")
    app = make_app()
    async with started(app, (120, 40)) as pilot:
        await filter_to(pilot, "Li Wei")
        text = timeline_text(app)
        assert "introduced you to Tom Becker" in text
        assert "(with Tom Becker)" not in text
        await filter_to(pilot, "Tom Becker")
        assert "Li Wei introduced you" in timeline_text(app) and "(with Li Wei)" not in timeline_text(app)
    assert tom
