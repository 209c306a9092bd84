"""The core directly: the rules the CLI and the TUI both rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from relterm.dates import parse_date
from relterm.errors import AmbiguousError, InputError, NotFoundError
from relterm.present import event_text
from relterm.sanitize import clean_line, clean_text

D = dt.date


def test_last_interaction_follows_the_newest_interaction_not_the_latest_logged(core):
    cid = core.add_contact("Ada")
    assert core.card(cid).last_interaction is None
    core.log(cid, "call", date="2026-11-10")
    core.log(cid, "email", date="2026-10-01")  # logged later, happened earlier
    assert core.card(cid).last_interaction == D(2026, 11, 10)
    newest = core.log(cid, "coffee", date="2026-11-20")
    assert core.card(cid).last_interaction == D(2026, 11, 20)
    core.delete_event(newest)
    assert core.card(cid).last_interaction == D(2026, 11, 10)


def test_level_changes_do_not_count_as_interactions(core):
    cid = core.add_contact("Ada")
    core.change_level(cid, step=+1)
    assert core.card(cid).last_interaction is None
    assert core.rows()[0].last_interaction is None


def test_logging_clears_to_contact(core):
    cid = core.add_contact("Grace", to_contact=True)
    assert core.rows()[0].to_contact
    core.log(cid, "email", "first hello")
    assert not core.card(cid).to_contact


def test_log_uses_the_kind_direction(core):
    cid = core.add_contact("Ada", level=5)
    core.log(cid, "referral-given", "sent a client")
    core.log(cid, "ask", "asked for an intro")
    kinds = {e.kind: e.direction for e in core.timeline(cid) if not e.is_level_change}
    assert kinds == {"referral-given": "given", "ask": "ask"}


def test_resolve_rules(core):
    ada = core.add_contact("Ada Lovelace")
    byron = core.add_contact("Ada Byron")
    core.add_contact("Charles Babbage")
    assert core.resolve(str(byron)) == byron
    assert core.resolve(ada) == ada
    assert core.resolve("ADA LOVELACE") == ada
    assert core.resolve("lovel") == ada
    with pytest.raises(AmbiguousError) as info:
        core.resolve("ada")
    assert sorted(info.value.candidates) == [(ada, "Ada Lovelace"), (byron, "Ada Byron")]
    with pytest.raises(NotFoundError):
        core.resolve("Turing")
    with pytest.raises(InputError):
        core.resolve("   ")


def test_a_name_made_of_digits_still_resolves(core):
    core.add_contact("Ada")
    agent = core.add_contact("007")
    assert core.resolve("007") == agent


def test_resolve_skips_archived_unless_asked(core):
    cid = core.add_contact("Ada Lovelace")
    core.archive(cid)
    with pytest.raises(NotFoundError, match="restore"):
        core.resolve("Ada")
    assert core.resolve("Ada", archived=True) == cid
    core.restore(cid)
    assert core.resolve("Ada") == cid


def test_many_matches_are_listed_but_capped(core):
    for i in range(30):
        core.add_contact(f"Smith {i:02d}")
    with pytest.raises(AmbiguousError) as info:
        core.resolve("smith")
    message = str(info.value)
    assert "Smith 00 (id 1)" in message and "more" in message
    assert len(message.splitlines()) < 30


def test_introduction_rules(core):
    ada = core.add_contact("Ada")
    charles = core.add_contact("Charles", introduced_by=ada)
    mary = core.add_contact("Mary", introduced_by=charles)
    with pytest.raises(InputError, match="cycle"):
        core.edit_contact(ada, introduced_by=mary)
    with pytest.raises(InputError, match="themselves"):
        core.edit_contact(ada, introduced_by=ada)
    with pytest.raises(NotFoundError):
        core.add_contact("Nobody's friend", introduced_by=999)
    core.edit_contact(mary, introduced_by=None)
    assert core.card(mary).introduced_by is None


def test_rows_filters(core):
    a = core.add_contact("Ada", level=3, sphere="friends", tags=["mentor", "math"])
    core.add_contact("Bob", level=3, tags=["mathematics"])
    core.add_contact("Cy", level=1, ladder="customer")
    assert [r.name for r in core.rows(rank=3)] == ["Ada", "Bob"]
    assert [r.name for r in core.rows(sphere="friend")] == ["Ada"]  # plural/singular either way
    assert [r.name for r in core.rows(tag="math")] == ["Ada"]  # whole tags only
    assert [r.name for r in core.rows(ladder="customer", rank=1)] == ["Cy"]
    assert [r.name for r in core.rows(ids=[a])] == ["Ada"]
    assert core.all_ranks()[3] == {"customer": 1, "business": 1}


def test_rows_sort_by_name_ignoring_case(core):
    for name in ("bob", "Alice", "carol", "Bea"):
        core.add_contact(name)
    assert [r.name for r in core.rows()] == ["Alice", "Bea", "bob", "carol"]


def test_level_counts_skip_archived_and_include_removed_ranks(core):
    a = core.add_contact("Ada", level=2)
    core.add_contact("Bob", level=2)
    core.archive(a)
    assert core.level_counts() == {2: 1}


def test_change_level_checks(core):
    cid = core.add_contact("Ada", level=2)
    assert core.change_level(cid, step=+1) == (2, 3)
    assert core.change_level(cid, to="friend") == (3, 6)
    with pytest.raises(InputError, match="top rung"):
        core.change_level(cid, step=+1)
    assert core.change_level(cid, to=0) == (6, 0)
    with pytest.raises(InputError, match="bottom rung"):
        core.change_level(cid, step=-1)
    with pytest.raises(InputError, match="not on the customer ladder"):
        core.change_level(cid, ladder="customer", step=-1)
    assert core.change_level(cid, ladder="customer", step=+1) == (None, 1)
    changes = [(e.from_rank, e.to_rank) for e in core.timeline(cid) if e.is_level_change and e.ladder == "business"]
    assert changes == [(6, 0), (3, 6), (2, 3), (None, 2)]


def test_failed_change_writes_nothing(core):
    cid = core.add_contact("Ada", level=6)
    before = len(core.timeline(cid))
    for kwargs in ({"step": 1}, {"to": "nope"}, {"to": 6}, {"step": 1, "date": "not a date"}):
        with pytest.raises(InputError):
            core.change_level(cid, **kwargs)
    assert len(core.timeline(cid)) == before


def test_event_text(core):
    cid = core.add_contact("Ada", level=2)
    core.change_level(cid, step=1, reason="Met at the meetup")
    core.change_level(cid, step=-1, reason="Lost touch")
    core.change_level(cid, ladder="customer", to=1)
    texts = [event_text(core.config, e) for e in core.timeline(cid)]
    assert "added at 1 Satisfied on customer" in texts
    assert "demoted 3 Conversant -> 2 Introduced: Lost touch" in texts
    assert "promoted 2 Introduced -> 3 Conversant: Met at the meetup" in texts
    assert "added at 2 Introduced" in texts


def test_edit_rejects_bad_values(core):
    cid = core.add_contact("Ada")
    with pytest.raises(InputError):
        core.edit_contact(cid, cadence_days=-3)
    with pytest.raises(InputError):
        core.edit_contact(cid, colour="red")
    with pytest.raises(InputError):
        core.edit_contact(cid, name="\x1b[2J")
    assert core.card(cid).name == "Ada"


def test_tags_are_cleaned_and_deduplicated(core):
    cid = core.add_contact("Ada", tags=["Mentor", "mentor", "a,b", " x "])
    assert core.card(cid).tags == ("mentor", "a b", "x")


# Dates -------------------------------------------------------------------------------------------

BASE = D(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-01", D(2026, 11, 1)),
        ("today", BASE),
        ("", BASE),
        ("yesterday", D(2026, 11, 22)),
        ("Yesterday", D(2026, 11, 22)),
        ("3 days ago", D(2026, 11, 20)),
        ("a week ago", D(2026, 11, 16)),
        ("2 months ago", D(2026, 9, 23)),
        ("1 year ago", D(2025, 11, 23)),
        ("last friday", D(2026, 11, 20)),
        ("last monday", D(2026, 11, 16)),
        ("monday", BASE),
        ("1 Nov 2026", D(2026, 11, 1)),
        ("01/11/2026", D(2026, 11, 1)),  # day first
        ("1.11.2026", D(2026, 11, 1)),
        ("10 Dec", D(2025, 12, 10)),  # the last 10 December, not December 2010
        ("Dec 10", D(2025, 12, 10)),
        ("2026/11/01", D(2026, 11, 1)),
        ("10 December 1990", D(1990, 12, 10)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, base=BASE) == expected


def test_month_arithmetic_clamps_to_the_month_end():
    assert parse_date("1 month ago", base=D(2026, 3, 31)) == D(2026, 2, 28)


@pytest.mark.parametrize("text", ["blursday", "2026-13-45", "the day after never", "32/13/2026"])
def test_unparseable_dates(text):
    with pytest.raises(InputError, match="cannot read"):
        parse_date(text, base=BASE)


def test_today_honours_relterm_today():
    assert parse_date("today") == BASE  # conftest freezes RELTERM_TODAY


# Sanitising ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("plain", "plain"),
        ("red\x1b[31m text\x1b[0m", "red text"),
        ("title\x1b]0;owned\x07!", "title!"),
        ("osc8 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "osc8 link"),
        ("nul\x00 byte", "nul byte"),
        ("bell\x07", "bell"),
        ("c1 \x9b31m csi", "c1 csi"),
        ("bidi \u202eevil", "bidi evil"),
        ("tabs\tand\nlines", "tabs and lines"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected


def test_clean_text_keeps_line_breaks_and_tabs():
    assert clean_text("one\r\ntwo\rthree\tfour\x1b[1m\x08") == "one\ntwo\nthree\tfour"
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    "query, expected",
    [("émile zola", "Émile Zola"), ("ÉMILE", "Émile Zola"), ("łukasz", "Łukasz Nowak"),
     ("ŁUKASZ NOWAK", "Łukasz Nowak"), ("strasse", "Maria Straße"), ("ZOLA", "Émile Zola")],
)
def test_resolve_folds_case_beyond_ascii(core, query, expected):
    for name in ("Émile Zola", "Łukasz Nowak", "Maria Straße"):
        core.add_contact(name)
    assert core.card(core.resolve(query)).name == expected


def test_casefold_is_available_on_a_second_threads_connection(core):
    import threading

    core.add_contact("Émile Zola")
    found = {}

    def work():
        found["id"] = core.resolve("émile")
        core.db.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert found["id"] == 1


def test_someone_introduced_starts_on_the_introduced_rung(core):
    ada = core.add_contact("Ada Lovelace", level=4)
    charles = core.add_contact("Charles Babbage", introduced_by=ada)
    plain = core.add_contact("Mary Somerville")
    ladder = core.config.ladder
    assert core.card(charles).ranks["business"] == ladder.intro_rank == 2
    assert core.card(plain).ranks["business"] == ladder.default_rank == 1
    # An explicit level still wins.
    grace = core.add_contact("Grace Hopper", introduced_by=ada, level="met")
    assert core.card(grace).ranks["business"] == 4


def test_a_misspelt_name_suggests_the_closest_contacts(core):
    from relterm.errors import NotFoundError

    core.add_contact("Ada Lovelace")
    core.add_contact("Charles Babbage")
    with pytest.raises(NotFoundError, match=r"did you mean Ada Lovelace \(id 1\)\?"):
        core.resolve("Ada Lovelase")
    with pytest.raises(NotFoundError) as caught:
        core.resolve("Xyzzy")
    assert "did you mean" not in str(caught.value)
