"""Property: any contact relterm can store survives the vCard, CSV and JSON round trips."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relterm import store
from relterm.config import load_config
from relterm.core import Core
from relterm.io import export, run_import
from relterm.sanitize import clean_line, clean_text

# Any text, including the characters vCard and CSV treat specially.
_chars = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    list(",;:\\\"'=+-@\t\n\r ")), max_size=12)
_tricky = st.sampled_from(["\\n", "\\:", "\nBEGIN:VCARD\n", "\nEND:VCARD\n", "urn:uuid:", "=0D=0A", "--04-15"])
text = st.lists(_chars | _tricky, max_size=4).map("".join)
line = text.map(clean_line)
birthday = st.one_of(
    st.none(),
    st.dates(dt.date(1901, 1, 1), dt.date(2026, 11, 23)).map(lambda d: d.isoformat()),  # not after today (frozen)
    st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(lambda d: f"--{d.month:02d}-{d.day:02d}"),
)
detail = st.tuples(st.sampled_from(["email", "phone", "address", "url", "related", "other"]), line, text)


@st.composite
def contacts(draw):
    name = draw(line.filter(lambda s: s.strip() != ""))
    email = draw(line)
    phone = draw(line)
    details = draw(st.lists(detail, max_size=4))
    # The import folds duplicate details (and details repeating the primary email or phone) into one.
    seen = {("email", email.lower()), ("phone", phone)}
    unique = []
    for kind, label, value in details:
        stored = clean_text(value)
        key = (kind, stored.lower() if kind == "email" else stored)
        if key in seen or not stored:  # an empty detail is nothing to export
            continue
        seen.add(key)
        unique.append((kind, label, value))
    return dict(
        name=name, company=draw(line), title=draw(line), email=email, phone=phone, notes=draw(text),
        tags=draw(st.lists(line, max_size=3)), birthday=draw(birthday), level=draw(st.integers(0, 6)),
        sphere=draw(st.sampled_from(["family", "business", "friends", "acquaintance", "servicer"])),
        cadence_days=draw(st.one_of(st.none(), st.integers(0, 400))), to_contact=draw(st.booleans()),
        details=unique,
    )


def snapshot(core: Core) -> list:
    out = []
    for cid, _ in core.names():
        card = core.card(cid)
        out.append((card.name, card.company, card.title, card.email, card.phone, card.notes, card.tags,
                    card.birthday, card.ranks, card.sphere, card.cadence_days, card.to_contact, card.uid,
                    sorted((d.kind, d.label, d.value) for d in card.details)))
    return out


_DIR = Path(tempfile.mkdtemp(prefix="relterm-property-"))


def _empty_core(name: str) -> Core:
    """A Core over a database reused between examples (migrating a new file each time is slow), emptied."""
    store.close_database()
    core = Core(_DIR / name, load_config())
    with store.write():
        for model in reversed(store.MODELS):
            model.delete().execute()
    return core


def round_trip(contact: dict, fmt: str) -> tuple[list, list]:
    source = _empty_core("a.db")
    source.add_contact(**contact)
    before = snapshot(source)
    suffix = {"vcard": "vcf", "csv": "csv", "json": "json"}[fmt]
    out = _DIR / f"out.{suffix}"
    export(source, fmt, out)
    target = _empty_core("b.db")
    summary = run_import(target, out)
    after = snapshot(target)
    store.close_database()
    assert not summary.problems, summary.problems
    return before, after


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])


@SETTINGS
@given(contacts())
def test_any_contact_survives_the_vcard_round_trip(contact):
    assume(clean_line(contact["name"]))
    before, after = round_trip(contact, "vcard")
    assert after == before


@SETTINGS
@given(contacts())
def test_any_contact_survives_the_csv_round_trip(contact):
    assume(clean_line(contact["name"]))
    before, after = round_trip(contact, "csv")
    assert after == before


@SETTINGS
@given(contacts())
def test_any_contact_survives_the_json_round_trip(contact):
    assume(clean_line(contact["name"]))
    before, after = round_trip(contact, "json")
    assert after == before
