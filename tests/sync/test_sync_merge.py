"""The three-way merge and the card <-> contact mapping sync relies on."""

from __future__ import annotations

from relterm.sync import mapping
from relterm.sync.merge import PHONE, RELTERM, merge


def fields(**values):
    return mapping.normalize(values)


BASE = fields(name="Ann Lee", company="ACME", phones=["+1 555 0100"], emails=["ann@x.org"], tags=["work"])


def test_each_side_keeps_the_fields_only_it_changed():
    ours = dict(BASE, company="Initech")
    theirs = dict(BASE, phones=("+1 555 0199",))
    result = merge(BASE, ours, theirs)
    assert result.fields["company"] == "Initech" and result.fields["phones"] == ("+1 555 0199",)
    assert result.conflicts == []


def test_same_scalar_changed_on_both_sides_relterm_wins_and_the_loser_is_returned():
    result = merge(BASE, dict(BASE, company="Initech"), dict(BASE, company="Globex"))
    assert result.fields["company"] == "Initech"
    [conflict] = result.conflicts
    assert (conflict.field, conflict.lost, conflict.lost_side) == ("company", "Globex", PHONE)


def test_phone_wins_when_preferred():
    result = merge(BASE, dict(BASE, company="Initech"), dict(BASE, company="Globex"), prefer=PHONE)
    assert result.fields["company"] == "Globex" and result.conflicts[0].lost == "Initech"
    assert result.conflicts[0].lost_side == RELTERM


def test_same_change_on_both_sides_is_no_conflict():
    result = merge(BASE, dict(BASE, title="CTO"), dict(BASE, title="CTO"))
    assert result.fields["title"] == "CTO" and not result.conflicts


def test_lists_changed_on_both_sides_merge_by_element():
    ours = dict(BASE, emails=("ann@x.org", "ann@work.org"), tags=("vip", "work"))
    theirs = dict(BASE, emails=("ann@home.org",), tags=("friends", "work"))
    result = merge(BASE, ours, theirs)
    # The phone removed ann@x.org and added ann@home.org; relterm added ann@work.org.
    assert result.fields["emails"] == ("ann@work.org", "ann@home.org")
    assert result.fields["tags"] == ("friends", "vip", "work")
    assert not result.conflicts


def test_without_a_base_empty_never_wins_and_different_values_conflict():
    ours = fields(name="Ann Lee", company="ACME", emails=["ann@x.org"])
    theirs = fields(name="Ann Lee", title="CTO", company="Globex", emails=["ann@x.org"])
    result = merge(None, ours, theirs)
    assert result.fields["title"] == "CTO" and result.fields["company"] == "ACME"
    assert [c.field for c in result.conflicts] == ["company"]


def test_a_card_relterm_writes_reads_back_equal():
    f = fields(name="Ann Lee", company="ACME", title="CTO", birthday="--02-29", notes="one\ntwo",
               emails=["a@x.org", "b@y.org"], phones=["+1 555"], addresses=["1 Main St\nSpringfield"],
               tags=["Friends", "work"])
    text = mapping.render("u-1", f, {("email", "b@y.org"): "work"})
    parsed = mapping.parse_text(text, "x.vcf")
    assert parsed.uid == "u-1" and parsed.fields == f
    assert parsed.labels[("email", "b@y.org")] == "work"


def test_rewriting_a_card_keeps_what_relterm_does_not_manage_and_is_stable():
    f = fields(name="Ann Lee", company="ACME")
    phone = mapping.render("u-1", f).replace(
        "END:VCARD", "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\nitem1.URL:https://a.example\r\nitem1.X-ABLABEL:blog\r\n"
                     "X-RELTERM-LEVEL:3\r\nEND:VCARD")
    again = mapping.render("u-1", dict(f, company="Initech"), None, phone)
    assert "PHOTO;ENCODING=b;TYPE=JPEG:AAAA" in again and "k1.URL:https://a.example" in again
    assert "ORG:Initech" in again and "X-RELTERM-LEVEL" not in again
    assert mapping.render("u-1", dict(f, company="Initech"), None, again) == again


def test_cards_that_cannot_sync_are_refused_with_the_reason():
    import pytest

    for text, reason in (("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nEND:VCARD\r\n", "no name"),
                         ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n", "no UID"),
                         ("hello", "no card"),
                         ("BEGIN:VCARD\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nUID:b\r\nFN:B\r\nEND:VCARD\r\n",
                          "2 cards")):
        with pytest.raises(mapping.BadCard, match=reason):
            mapping.parse_text(text, "f.vcf")


# The profile link (url): a standard field, the card's preferred URL --------------------------------------


def test_the_profile_link_is_the_cards_preferred_url_and_reads_back_equal():
    f = fields(name="Ann Lee", url="https://ann.example.org/")
    text = mapping.render("u-1", f)
    assert "URL;TYPE=pref:https://ann.example.org/" in text
    assert mapping.parse_text(text, "x.vcf").fields == f
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-2\r\nFN:Bo\r\nURL:https://blog.example\r\n"
            "URL;TYPE=pref:https://bo.example\r\nEND:VCARD\r\n")
    assert mapping.parse_text(card, "y.vcf").fields["url"] == "https://bo.example"
    # A link the database would refuse (not http or https) is no profile link.
    assert mapping.parse_text(card.replace("https://bo.example", "javascript:alert(1)"), "y.vcf").fields["url"] == ""


def test_a_new_profile_link_replaces_the_old_one_and_keeps_the_cards_other_urls():
    f = fields(name="Ann Lee", url="https://old.example")
    phone = mapping.render("u-1", f).replace("END:VCARD", "item1.URL:https://blog.example\r\n"
                                                          "item1.X-ABLABEL:blog\r\nEND:VCARD")
    assert mapping.parse_text(phone, "x.vcf").fields["url"] == "https://old.example"
    again = mapping.render("u-1", dict(f, url="https://new.example"), None, phone, old_url="https://old.example")
    assert "https://old.example" not in again and "k1.URL:https://blog.example" in again
    assert mapping.parse_text(again, "x.vcf").fields["url"] == "https://new.example"
    # Cleared in relterm: the other link stays on the card, and is not read as the profile link.
    cleared = mapping.render("u-1", dict(f, url=""), None, again, old_url="https://new.example")
    assert "https://new.example" not in cleared and "https://blog.example" in cleared
    assert mapping.parse_text(cleared, "x.vcf").fields["url"] == ""
    assert mapping.render("u-1", dict(f, url=""), None, cleared) == cleared


def test_the_profile_link_merges_three_ways_like_any_scalar():
    base = dict(BASE, url="https://a.example")
    result = merge(base, dict(base, company="Initech"), dict(base, url="https://b.example"))
    assert result.fields["url"] == "https://b.example" and result.fields["company"] == "Initech"
    clash = merge(base, dict(base, url="https://mine.example"), dict(base, url="https://phone.example"))
    assert clash.fields["url"] == "https://mine.example"
    assert [(c.field, c.lost) for c in clash.conflicts] == [("url", "https://phone.example")]
