"""Every file of the awkward-input corpus in tests/data/io imports to the
contacts its ``.expected.json`` describes, field by field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from relterm.io import run_import

CORPUS = Path(__file__).resolve().parent.parent / "data" / "io"
CASES = sorted(p.name[: -len(".expected.json")] for p in CORPUS.glob("*.expected.json"))
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _actual(core, cid: int) -> dict:
    card = core.card(cid)
    return {
        "name": card.name, "company": card.company, "title": card.title, "email": card.email, "phone": card.phone,
        "url": card.url, "birthday": card.birthday, "notes": card.notes, "tags": list(card.tags), "ranks": card.ranks,
        "sphere": card.sphere, "introduced_by": card.introduced_by, "cadence_days": card.cadence_days,
        "review_every_days": card.review_every_days,
        "review_due": card.review_due.isoformat() if card.review_due else None,
        "details": [[d.kind, d.label, d.value] for d in card.details],
        "timeline": [[e.date.isoformat(), e.kind, e.summary] for e in core.timeline(cid) if e.kind != "level-change"],
        "uid": card.uid,
    }


def test_the_corpus_is_there():
    assert len(CASES) >= 9


@pytest.mark.parametrize("case", CASES)
def test_corpus_file_imports_as_expected(core, case):
    expected = json.loads((CORPUS / f"{case}.expected.json").read_text(encoding="utf-8"))
    summary = run_import(core, CORPUS / case)
    assert summary.format == expected["format"]
    assert (summary.added, summary.merged, summary.skipped) == (expected["added"], expected["merged"],
                                                                 expected["skipped"])
    assert summary.photos_skipped == expected["photos_skipped"]
    assert [p.where.replace(str(CORPUS) + "/", "") for p in summary.problems] == [
        w.replace("tests/data/io/", "") for w in expected["problems"]]
    assert [w.replace(str(CORPUS) + "/", "") for w in summary.warnings] == expected["warnings"]
    actual = sorted((_actual(core, cid) for cid, _ in core.names()), key=lambda c: c["name"].lower())
    assert [c["name"] for c in actual] == [c["name"] for c in expected["contacts"]]
    for want, got in zip(expected["contacts"], actual):
        for key, value in want.items():
            assert got[key] == value, f"{case}: {want['name']}: {key}"
        if "uid" not in want:
            assert _UUID4.fullmatch(got["uid"]), "a card without UID gets a fresh one"


@pytest.mark.parametrize("case", CASES)
def test_importing_a_corpus_file_twice_changes_nothing(core, case):
    run_import(core, CORPUS / case)
    before = _snapshot(core)
    again = run_import(core, CORPUS / case)
    assert again.added == 0
    assert again.updated == 0
    assert _snapshot(core) == before


def _snapshot(core) -> list:
    db = core.db
    return [list(db.execute_sql(f'SELECT * FROM "{t}" ORDER BY 1').fetchall())
            for t in ("contact", "contact_level", "contact_detail", "event")]
