"""The standard fields a card and a contact share, and the way between them.

A contact's synced fields are a plain dict (``FIELDS``): scalars (name,
company, title, profile link, birthday, notes) and tuples (emails and phones, the first
being the primary one; addresses; tags, sorted). Both sides are normalised
with the cleaners the core uses for every other way in, so a card relterm
wrote reads back equal to the contact it came from, and a card that only
differs in what the database would store the same way is not a change.

Cards are read with ``relterm.io.vcard`` (split_cards, parse_card,
card_to_record) and written with its ``contact_to_vcard``. When relterm
rewrites a card that exists, the properties it does not manage (a photo,
URLs, anniversaries, a phone's own extensions) are carried over from the
file, so a relterm edit never strips what the phone added.

The profile link (``url``) is the card's preferred URL, else its first one,
as ``relterm import`` reads it (only http and https; another scheme counts as
no link). A card may hold more URLs: relterm replaces only the one that was
the profile link and keeps the others; when the contact has no profile link
but the card keeps other URLs, ``X-RELTERM-NO-PRIMARY:url`` says so (a phone
that drops it makes its first URL the profile link, no more).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from .. import rules
from ..dates import parse_birthday
from ..domain import join_tags, split_tags
from ..errors import InputError
from ..io.vcard import card_to_record, contact_to_vcard, parse_card, split_cards
from ..sanitize import clean_line, clean_text, clean_url

SCALARS = ("name", "company", "title", "url", "birthday", "notes")
LISTS = ("emails", "phones", "addresses", "tags")
FIELDS = SCALARS + LISTS

# What each field is called in reports and timeline notes.
FIELD_NAMES = {
    "name": "name", "company": "company", "title": "title", "url": "profile link", "birthday": "birthday",
    "notes": "notes",
    "emails": "emails", "phones": "phones", "addresses": "addresses", "tags": "tags",
}

# Properties relterm writes from the fields (or owns): everything else in a card is kept as it is.
MANAGED = {"BEGIN", "END", "VERSION", "UID", "FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "BDAY", "NOTE",
           "CATEGORIES", "ADR", "REV", "PRODID"}
_PROP = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")


class BadCard(ValueError):
    """A card that cannot be synced: malformed, no name, several cards in one file."""


def _tag(text: str) -> str:
    return clean_line(str(text).replace(",", " ")).lower()


def _address(text: str) -> str:
    lines = [clean_line(line) for line in str(text).splitlines()]
    return "\n".join(line for line in lines if line)


def _url(text) -> str:
    """A profile link as the database stores it, or "" for one it would refuse (not http or https)."""
    try:
        return clean_url(text or "")
    except ValueError:
        return ""


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(v for v in values if v))


def normalize(fields: dict) -> dict:
    """``fields`` as the database would store them (missing keys become empty)."""
    birthday = clean_line(fields.get("birthday") or "")
    if birthday:
        try:
            birthday = parse_birthday(birthday) or ""
        except InputError:
            birthday = ""
    return {
        "name": clean_line(fields.get("name") or ""),
        "company": clean_line(fields.get("company") or ""),
        "title": clean_line(fields.get("title") or ""),
        "url": _url(fields.get("url")),
        "birthday": birthday,
        "notes": clean_text(fields.get("notes") or "").strip(),
        "emails": _unique(clean_line(v) for v in fields.get("emails") or ()),
        "phones": _unique(clean_line(v) for v in fields.get("phones") or ()),
        "addresses": _unique(_address(v) for v in fields.get("addresses") or ()),
        "tags": tuple(sorted(_unique(_tag(t) for t in fields.get("tags") or ()))),
    }


def to_json(fields: dict) -> dict:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in fields.items()}


def from_json(data: Optional[dict]) -> Optional[dict]:
    if data is None:
        return None
    return {key: tuple(data.get(key) or ()) if key in LISTS else (data.get(key) or "") for key in FIELDS}


# Cards -------------------------------------------------------------------------------------


@dataclass
class ParsedCard:
    uid: str
    fields: dict
    labels: dict = field(default_factory=dict)  # (kind, value) -> label, for emails, phones and addresses
    unknown_birthday: bool = False  # a BDAY that cannot be read: the field is left as it was


def parse_text(text: str, where: str) -> ParsedCard:
    """The one card in ``text`` (a .vcf file's content); raises BadCard."""
    cards = list(split_cards(text.splitlines()))
    if not cards:
        raise BadCard(f"{where}: no card in the file")
    if len(cards) > 1:
        raise BadCard(f"{where}: {len(cards)} cards in one file; a vdir holds one per file")
    _, _, lines, _, problem = cards[0]
    if problem:
        raise BadCard(f"{where}: {problem}")
    try:
        record = card_to_record(parse_card(lines), where)
    except Exception as exc:  # vobject raises many kinds of errors on broken cards
        raise BadCard(f"{where}: cannot read the card: {str(exc).strip()[:200] or type(exc).__name__}") from None
    uid = clean_line(record.fields.get("uid", ""))
    if not uid:
        raise BadCard(f"{where}: the card has no UID")
    addresses = [(label, value) for kind, label, value in record.details if kind == "address"]
    fields = normalize({
        "name": record.name, "company": record.fields.get("company", ""), "title": record.fields.get("title", ""),
        "url": record.fields.get("url", ""), "birthday": record.fields.get("birthday", ""), "notes": record.fields.get("notes", ""),
        "emails": [v for _, v in record.emails], "phones": [v for _, v in record.phones],
        "addresses": [v for _, v in addresses], "tags": record.tags,
    })
    if not fields["name"]:
        raise BadCard(f"{where}: the card has no name")
    labels = {}
    for kind, pairs in (("email", record.emails), ("phone", record.phones), ("address", addresses)):
        for label, value in pairs:
            key = (kind, _address(value) if kind == "address" else clean_line(value))
            labels.setdefault(key, clean_line(label))
    unknown = any("birthday left out" in w for w in record.warnings)
    return ParsedCard(uid, fields, labels, unknown)


def _logical(text: str) -> list[list[str]]:
    """The card's properties, each as its physical lines (a folded value spans several)."""
    props: list[list[str]] = []
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and props:
            props[-1].append(line)
        elif line.strip():
            props.append([line])
    return props


def _value(prop: list[str]) -> str:
    """A property's value: what follows the first colon outside quotes, unfolded and unescaped."""
    line = prop[0] + "".join(part[1:] for part in prop[1:])
    quoted = False
    for n, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return re.sub(r"\\([,;:\\])", r"\1", line[n + 1:])
    return ""


def _is_url(prop: list[str], urls: frozenset) -> bool:
    m = _PROP.match(prop[0])
    return bool(m and m.group(2).upper() == "URL" and urls and _url(_value(prop)) in urls)


def kept_lines(old_text: str, replaced_urls: frozenset = frozenset()) -> list[str]:
    """The lines of ``old_text`` relterm does not manage, with item groups renamed k1, k2 ... so they
    never collide with relterm's own labels; the same old card always gives the same lines. URL lines
    holding one of ``replaced_urls`` (the profile link relterm writes, or wrote) are left out."""
    props = _logical(old_text)
    managed_groups = set()
    for prop in props:
        m = _PROP.match(prop[0])
        if m and m.group(1) and (m.group(2).upper() in MANAGED or _is_url(prop, replaced_urls)):
            managed_groups.add(m.group(1).lower())
    kept: list[str] = []
    renamed: dict[str, str] = {}
    depth = 0
    for prop in props:
        m = _PROP.match(prop[0])
        if not m:
            continue
        group, name = m.group(1), m.group(2).upper()
        if name == "BEGIN":
            depth += 1
        if depth > 1 or name == "END" and depth > 1:  # a nested card (vCard 2.1 AGENT): keep it whole
            kept += prop
            if name == "END":
                depth -= 1
            continue
        if name == "END":
            depth -= 1
            continue
        if name in MANAGED or name.startswith("X-RELTERM-") or _is_url(prop, replaced_urls):
            continue
        if group:
            if group.lower() in managed_groups:
                continue  # the label of a managed property: relterm writes its own
            new = renamed.setdefault(group.lower(), f"k{len(renamed) + 1}")
            prop = [new + prop[0][len(group):]] + prop[1:]
        kept += prop
    return kept


def render(uid: str, fields: dict, labels: Optional[dict] = None, old_text: Optional[str] = None,
           old_url: str = "") -> str:
    """A vCard 3.0 text with ``fields``; what ``old_text`` holds besides them is kept (but its URL
    ``old_url``, the profile link the file held, which ``fields["url"]`` replaces)."""
    labels = labels or {}
    emails, phones = list(fields["emails"]), list(fields["phones"])
    details = [("email", labels.get(("email", v), ""), v) for v in emails[1:]]
    details += [("phone", labels.get(("phone", v), ""), v) for v in phones[1:]]
    details += [("address", labels.get(("address", v), ""), v) for v in fields["addresses"]]
    text = contact_to_vcard({
        "uid": uid, "name": fields["name"], "company": fields["company"], "title": fields["title"],
        "url": fields["url"], "email": emails[0] if emails else "", "phone": phones[0] if phones else "",
        "birthday": fields["birthday"] or None, "notes": fields["notes"], "tags": list(fields["tags"]),
        "details": details,
    })
    if old_text:
        extra = kept_lines(old_text, frozenset(u for u in (old_url, fields["url"]) if u))
        if not fields["url"] and any(_PROP.match(line) and _PROP.match(line).group(2).upper() == "URL"
                                     for line in extra):
            extra.append("X-RELTERM-NO-PRIMARY:url")  # the card's other links are not a profile link
        if extra:
            end = text.rstrip("\r\n").rfind("END:VCARD")
            text = text[:end] + "".join(line + "\r\n" for line in extra) + text[end:]
    return text


# The database side ------------------------------------------------------------------------


class DbContact:
    """One contact's synced fields as the database holds them. ``row`` is a digest of the columns and
    details they come from: equal digests, equal fields. ``fields`` and ``labels`` are normalised on
    first use, so a sync that finds a contact unchanged never pays for it."""

    __slots__ = ("id", "uid", "archived", "row", "_raw", "_details", "_fields", "_labels")

    def __init__(self, cid: int, uid: str, archived: bool, raw: tuple, details: list):
        self.id, self.uid, self.archived = cid, uid, archived
        self._raw, self._details = raw, details
        self.row = digest_row((uid, archived, raw, details))
        self._fields: Optional[dict] = None
        self._labels: Optional[dict] = None

    @property
    def fields(self) -> dict:
        if self._fields is None:
            name, company, title, email, phone, birthday, notes, tags, url = self._raw
            found = {"email": [email] if email else [], "phone": [phone] if phone else [], "address": []}
            for kind, _, value in self._details:
                found[kind].append(value)
            self._fields = normalize({
                "name": name, "company": company, "title": title, "url": url, "birthday": birthday, "notes": notes,
                "emails": found["email"], "phones": found["phone"], "addresses": found["address"],
                "tags": split_tags(tags or ""),
            })
        return self._fields

    @property
    def labels(self) -> dict:
        if self._labels is None:
            self._labels = {(kind, _address(value) if kind == "address" else clean_line(value)): label or ""
                            for kind, label, value in self._details}
        return self._labels


def digest_row(row: tuple) -> str:
    return hashlib.blake2b(repr(row).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def db_contacts(db, ids=None) -> dict[int, DbContact]:
    """contact id -> DbContact (every contact, archived ones too, or those in ``ids``): two queries."""
    where, params = "", []
    if ids is not None:
        ids = list(ids)
        if not ids:
            return {}
        where = f" WHERE id IN ({','.join('?' * len(ids))})"
        params = ids
    details: dict[int, list] = {}
    detail_where = where.replace("id IN", "contact_id IN") + (" AND" if where else " WHERE")
    for cid, kind, label, value in db.execute_sql(
            f"SELECT contact_id, kind, label, value FROM contact_detail{detail_where} "
            "kind IN ('email', 'phone', 'address') ORDER BY contact_id, position, id", params):
        details.setdefault(cid, []).append((kind, label, value))
    return {
        cid: DbContact(cid, uid, archived is not None, tuple(raw), details.get(cid, []))
        for cid, uid, archived, *raw in db.execute_sql(
            "SELECT id, uid, archived_at, name, company, title, email, phone, birthday, notes, tags, url "
            f"FROM contact{where}", params)
    }


def contact_columns(fields: dict) -> dict:
    """The contact table's columns for ``fields`` (the first email and phone are the primary ones)."""
    return {
        "name": fields["name"], "sort_key": rules.sort_key(fields["name"]),  # the key follows the name
        "company": fields["company"], "title": fields["title"], "url": fields["url"],
        "birthday": fields["birthday"] or None, "notes": fields["notes"],
        "email": fields["emails"][0] if fields["emails"] else "",
        "phone": fields["phones"][0] if fields["phones"] else "",
        "tags": join_tags(fields["tags"]),
    }


def detail_rows(fields: dict, labels: dict) -> list[tuple[str, str, str]]:
    """(kind, label, value) for the further emails and phones and every address."""
    rows = [("email", labels.get(("email", v), ""), v) for v in fields["emails"][1:]]
    rows += [("phone", labels.get(("phone", v), ""), v) for v in fields["phones"][1:]]
    rows += [("address", labels.get(("address", v), ""), v) for v in fields["addresses"]]
    return rows
