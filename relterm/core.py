"""The relationship core: every read and write the CLI and the TUI make.

``Core`` binds a database file to a ladder config. It knows nothing about the
screen; its methods take and return plain values (``relterm.domain``) and
raise ``RelTermError`` subclasses for bad input, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Iterable, Optional, Sequence

from peewee import JOIN, fn

from . import rules, store
from .clock import now as _now
from .config import Config, Ladder
from .dates import as_date as _as_date, check_days, parse_birthday, parse_date
from .domain import LEVEL_CHANGE, Card, ContactRow, Detail, TimelineEvent, join_tags, rows_from_cursor, split_tags
from .errors import AmbiguousError, AskTooEarly, ConflictError, DuplicateNameError, InputError, NotFoundError
from .sanitize import clean_for_display, clean_line, clean_text, clean_url
from .store import Contact, ContactDetail, ContactLevel, Event

_UNSET = object()

# The largest id SQLite can hold: a bigger number names no contact (and would overflow the query).
MAX_ID = 2**63 - 1

# Fields ``edit`` may set directly, with the cleaner each goes through.
_LINE_FIELDS = ("name", "company", "title", "email", "phone")


def check_url(value) -> str:
    """A profile link as stored: cleaned, http(s) only (``sanitize.clean_url``); "" or None clears it.
    ``InputError`` names what is wrong."""
    if value is None:
        return ""
    try:
        return clean_url(value)
    except ValueError as exc:
        shown = clean_line(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise InputError(f'url "{shown}": {exc}') from None


def clean_tag(tag: str) -> str:
    # Commas separate tags in storage; cleaning after replacing them keeps this idempotent ("a, b" -> "a b").
    return _clean_tag(tag) if type(tag) is str and len(tag) <= 100 else _clean_tag.__wrapped__(str(tag))


@lru_cache(maxsize=4096)
def _clean_tag(tag: str) -> str:
    """clean_tag, remembered: an import cleans the same few labels on every one of its records."""
    return clean_line(tag.replace(",", " ")).lower()


class Core:
    """The store and the ladder config together."""

    def __init__(self, db_path: Path, config: Config):
        self.db_path = Path(db_path)
        self.config = config
        self.db = store.open_database(self.db_path)

    def close(self) -> None:
        store.close_database(self.db)

    # Ladders ---------------------------------------------------------------------

    def ladder(self, key: Optional[str] = None) -> tuple[str, Ladder]:
        return self.config.get_ladder(key)

    def parse_level(self, text: str | int, ladder: Optional[str] = None, *, stored: bool = False) -> int:
        """A rank from a number or level name. With ``stored``, a number that is no
        longer in the ladder but still held by some contact is accepted too (for filters)."""
        key, lad = self.ladder(ladder)
        try:
            return lad.parse_rank(text)
        except KeyError:
            digits = str(text).strip().removeprefix("-")
            if stored and digits.isascii() and digits.isdigit() and len(digits) <= 9 \
                    and int(text) in self.level_counts(key):
                return int(text)
            names = ", ".join(f"{lv.rank} {lv.name}" for lv in lad.ordered)
            raise InputError(f"no level {text!r} on the {key} ladder; levels: {names}") from None

    # Finding people ------------------------------------------------------------------

    def resolve(self, query: str | int, *, archived: bool = False) -> int:
        """The id of the one contact ``query`` names: an id, a full name or part of one.

        Only ASCII digits make an id ("２" and "٢" are names). Text that is both one contact's id
        and another's full name is ambiguous, and both are listed."""
        text = clean_line(query) if not isinstance(query, int) else str(query)
        if not text:
            raise InputError("say which contact: a name, part of a name, or an id")
        active = Contact.archived_at.is_null(not archived)
        by_id = None
        if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_ID:
            by_id = Contact.select(Contact.id, Contact.name).where((Contact.id == int(text)) & active).tuples().first()
        # Names equal but for case share a sort key (case and accents folded), whose index finds the few
        # rows to compare. NOCASE folds ASCII exactly as LOWER() does; casefold() folds every script.
        same_key = active & (Contact.sort_key == rules.sort_key(text))
        exact = list(
            Contact.select(Contact.id, Contact.name)
            .where(same_key & (Contact.name.collate("NOCASE") == text))
            .tuples()
        )
        if not exact and not text.isascii():
            # NOCASE folds ASCII only: "émile zola" must still find "Émile Zola".
            exact = list(
                Contact.select(Contact.id, Contact.name)
                .where(same_key & (fn.casefold(Contact.name) == text.casefold()))
                .tuples()
            )
        if not exact:
            # A key gone stale (a row written by another tool) must not hide the name: read every row,
            # as the search for part of a name below does anyway.
            exact = list(
                Contact.select(Contact.id, Contact.name)
                .where(active & (fn.casefold(Contact.name) == text.casefold()))
                .tuples()
            )
        if by_id is not None:
            others = [row for row in exact if row[0] != by_id[0]]
            if others:
                raise AmbiguousError(text, [(by_id[0], f"{by_id[1]}, whose id is {text}")] + others)
            return by_id[0]
        if len(exact) == 1:
            return exact[0][0]
        if len(exact) > 1:
            raise AmbiguousError(text, exact)
        like = list(
            Contact.select(Contact.id, Contact.name)
            # casefold() (registered by the store) folds every script; SQLite's LOWER() only ASCII.
            .where(active & fn.casefold(Contact.name).contains(text.casefold()))
            .order_by(Contact.name)
            .limit(51)
            .tuples()
        )
        if len(like) == 1:
            return like[0][0]
        if len(like) > 1:
            raise AmbiguousError(text, like)
        where = "among archived contacts" if archived else ""
        if text.isascii() and text.isdigit():
            shown = text if len(text) <= 30 else text[:27] + "..."
            raise NotFoundError(f"no contact with id {shown}, nor one with it in their name {where}".rstrip())
        hint = "" if archived else self._archived_hint(text)
        raise NotFoundError(f'no contact matches "{text}" {where}'.rstrip() + hint)

    def same_name(self, name: str) -> list[tuple[int, str]]:
        """Active contacts whose name is ``name`` with case and accents aside (rules.sort_key), by id."""
        key = rules.sort_key(clean_line(name))
        return list(Contact.select(Contact.id, Contact.name)
                    .where((Contact.sort_key == key) & Contact.archived_at.is_null())
                    .order_by(Contact.id).tuples())

    def _archived_hint(self, text: str) -> str:
        found = (
            Contact.select(Contact.name)
            .where(Contact.archived_at.is_null(False) & fn.casefold(Contact.name).contains(text.casefold()))
            .limit(1)
            .tuples()
            .first()
        )
        if found:
            return f' (an archived contact "{found[0]}" matches: `relterm restore` brings it back)'
        from .fuzzy import similar_names

        close = similar_names(text, self.names())
        if close:
            return "; did you mean " + " or ".join(f"{name} (id {cid})" for cid, name in close) + "?"
        return ""

    def contact_record(self, cid: int) -> Contact:
        """The stored row of contact ``cid`` (archived or not); ``NotFoundError`` when there is none."""
        if isinstance(cid, int) and not 0 < cid <= MAX_ID:
            raise NotFoundError(f"no contact with id {cid if abs(cid) < 10**30 else 'that large'}")
        contact = Contact.get_or_none(Contact.id == cid)
        if contact is None:
            raise NotFoundError(f"no contact with id {cid}")
        return contact

    def check_contact(self, cid: int) -> None:
        """Raise NotFoundError like ``contact_record``, without reading the row (its notes may be megabytes)."""
        if isinstance(cid, int) and not 0 < cid <= MAX_ID:
            raise NotFoundError(f"no contact with id {cid if abs(cid) < 10**30 else 'that large'}")
        if not Contact.select(Contact.id).where(Contact.id == cid).exists():
            raise NotFoundError(f"no contact with id {cid}")

    # Adding and editing ---------------------------------------------------------------

    def add_contact(
        self,
        name: str,
        *,
        level: str | int | None = None,
        ladder: Optional[str] = None,
        sphere: Optional[str] = None,
        company: str = "",
        title: str = "",
        email: str = "",
        phone: str = "",
        tags: Iterable[str] = (),
        notes: str = "",
        birthday: Optional[str] = None,
        introduced_by: Optional[int] = None,
        cadence_days: Optional[int] = None,
        to_contact: bool = False,
        date: dt.date | str | None = None,
        reason: str = "added",
        details: Sequence[tuple[str, str, str]] = (),
        uid: Optional[str] = None,
        new_name_only: bool = False,
        url: str = "",
    ) -> int:
        """Create a contact on the default ladder (and on ``ladder`` when another); return its id.

        With ``new_name_only`` a name an active contact already has (case and accents aside) raises
        ``DuplicateNameError`` naming them, checked inside the write: nothing is added."""
        name = clean_line(name)
        if not name:
            raise InputError("a contact needs a name")
        sphere = self.config.check_sphere(sphere) if sphere else self.config.sphere_default
        default_key, default_ladder = self.ladder()
        ranks: dict[str, int] = {}
        introduced = introduced_by is not None
        start = rules.start_rank(default_ladder, introduced=introduced)
        if ladder and ladder != default_key:
            key, other = self.ladder(ladder)
            ranks[key] = self.parse_level(level, key) if level is not None else rules.start_rank(other, introduced=introduced)
            ranks[default_key] = start
        else:
            ranks[default_key] = self.parse_level(level) if level is not None else start
        if introduced_by is not None:
            self.contact_record(introduced_by)
        if cadence_days is not None:
            check_days(cadence_days, "cadence", zero=True)
        birthday = parse_birthday(clean_line(birthday)) if birthday else None
        url = check_url(url)
        now = _now()
        when = parse_date(date, past=True) if date is not None else now.date()
        # The date added (rules.date_added) is the day of the add, also when it is given as a past date.
        added_at = dt.datetime.combine(when, now.time())
        with store.write(self.db):
            if new_name_only:
                same = self.same_name(name)
                if same:
                    raise DuplicateNameError(name, same)
            contact = Contact.create(
                name=name,
                sort_key=rules.sort_key(name),
                sphere=sphere,
                company=clean_line(company),
                title=clean_line(title),
                email=clean_line(email),
                phone=clean_line(phone),
                tags=join_tags(clean_tag(t) for t in tags),
                notes=clean_text(notes),
                birthday=birthday,
                introduced_by=introduced_by,
                cadence_days=cadence_days,
                to_contact=to_contact,
                url=url,
                uid=uid or str(uuid.uuid4()),
                created_at=added_at,
                updated_at=now,
            )
            for key, rank in ranks.items():
                ContactLevel.create(contact=contact.id, ladder=key, rank=rank)
                Event.create(
                    contact=contact.id, date=when, kind=LEVEL_CHANGE, ladder=key, from_rank=None,
                    to_rank=rank, reason=clean_text(reason), summary="", created_at=now,
                )
            for position, (kind, label, value) in enumerate(details):
                ContactDetail.create(
                    contact=contact.id, kind=kind, label=clean_line(label), value=clean_text(value), position=position
                )
        return contact.id

    def edit_contact(
        self,
        cid: int,
        *,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        introduced_by: object = _UNSET,
        if_version: Optional[str] = None,
        **fields,
    ) -> None:
        """Change fields of a contact. ``introduced_by`` takes an id or None.

        With ``if_version`` (``Card.version`` as an editor read it), nothing is written and
        ``ConflictError`` is raised when the contact changed since: checked inside the write
        transaction, so another process's change is never overwritten unseen.
        """
        changes = self.clean_fields(fields)
        with store.write(self.db):
            contact = self.contact_record(cid)
            if if_version is not None and self._version(contact) != if_version:
                raise ConflictError(
                    f"{contact.name} was changed elsewhere (another window or the command line) since the form "
                    "opened; nothing was saved"
                )
            if introduced_by is not _UNSET:
                if introduced_by is not None:
                    self.check_introducer(cid, introduced_by)
                changes["introduced_by"] = introduced_by
            if add_tags or remove_tags:
                current = list(split_tags(changes.get("tags", contact.tags)))
                current += [clean_tag(t) for t in add_tags]
                drop = {clean_tag(t) for t in remove_tags}
                changes["tags"] = join_tags(t for t in current if t not in drop)
            if not changes:
                return
            changes["updated_at"] = _now()
            Contact.update(changes).where(Contact.id == cid).execute()

    def _version(self, contact: Contact, ranks: Optional[dict[str, int]] = None) -> str:
        """A token of everything stored on the contact's row and its ranks. ``updated_at`` alone would
        not do: it counts whole seconds, and a write in the same second as the read would go unseen."""
        import hashlib

        if ranks is None:
            ranks = dict(ContactLevel.select(ContactLevel.ladder, ContactLevel.rank)
                         .where(ContactLevel.contact == contact.id).tuples())
        state = repr((sorted(contact.__data__.items()), sorted(ranks.items())))
        return hashlib.blake2b(state.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()

    def clean_fields(self, fields: dict) -> dict:
        """Check and clean contact fields as ``edit_contact`` stores them; the one place they are
        validated, shared by edits and imports. Raises InputError naming the bad field."""
        changes: dict = {}
        for key, value in fields.items():
            if key in _LINE_FIELDS:
                value = clean_line(value)
                if key == "name" and not value:
                    raise InputError("a contact needs a name")
                changes[key] = value
                if key == "name":
                    changes["sort_key"] = rules.sort_key(value)
            elif key == "sphere":
                changes[key] = self.config.check_sphere(value)
            elif key == "notes":
                changes[key] = clean_text(value)
            elif key == "birthday":
                changes[key] = parse_birthday(clean_line(value)) if value else None
            elif key == "tags":
                changes[key] = join_tags(clean_tag(t) for t in value)
            elif key in ("cadence_days", "review_every_days"):
                # 0: no cadence (the level's is overridden) / no reviews; None: the level's cadence.
                changes[key] = None if value is None else check_days(
                    value, "cadence" if key == "cadence_days" else "review every", zero=True)
            elif key in ("to_contact",):
                changes[key] = bool(value)
            elif key in ("review_due", "snoozed_until"):
                changes[key] = parse_date(value, what=key.replace("_", " ")) if value is not None else None
            elif key == "url":
                changes[key] = check_url(value)
            else:
                raise InputError(f"cannot edit {key!r}")
        return changes

    def check_introducer(self, cid: int, introducer: int) -> None:
        """Refuse (``InputError``) ``introducer`` as the one who introduced ``cid``: themselves,
        someone not there, or someone introduced through ``cid`` (a cycle)."""
        if introducer == cid:
            raise InputError("a contact cannot have introduced themselves")
        self.contact_record(introducer)
        # Walk up from the introducer: reaching ``cid`` would close a cycle.
        seen = {introducer}
        current = introducer
        while True:
            row = Contact.select(Contact.introduced_by).where(Contact.id == current).tuples().first()
            parent = row[0] if row else None
            if parent is None:
                return
            if parent == cid:
                raise InputError("that introduction would make a cycle: they were introduced through this contact")
            if parent in seen:
                return
            seen.add(parent)
            current = parent

    # The timeline ------------------------------------------------------------------

    def log(
        self,
        cid: int,
        kind: str,
        summary: str = "",
        *,
        date: dt.date | str | None = None,
        direction: Optional[str] = None,
        other: Optional[int] = None,
        warning: Optional[str] = None,
        data: Optional[dict] = None,
        force: bool = False,
        went_badly: bool = False,
    ) -> int:
        """Record an interaction; return the event id. ``went_badly`` flags one that went wrong: with someone
        who came through another contact, a ripple (``core.intel.ripple_for_event``).

        An ask (a kind with direction ``ask``) against a contact whose level has
        ``ask_ok: false`` raises ``relterm.errors.AskTooEarly`` unless ``force``;
        with ``force`` the warning is kept on the event. ``ask_warning()`` gives
        the text to confirm first.
        """
        kind = self.config.check_kind(kind)
        when = parse_date(date, past=True)
        contact = self.contact_record(cid)
        if other is not None:
            if other == cid:
                raise InputError(f"{contact.name} cannot be with themselves; name someone else with --with")
            self.contact_record(other)
        if direction is None:
            direction = self.config.kind(kind).direction
        too_early = self.ask_warning(cid, kind) if direction == "ask" else None
        if too_early:
            if not force:
                raise AskTooEarly(too_early)
            warning = f"{warning}; {too_early}" if warning else too_early
        now = _now()
        with store.write(self.db):
            event = Event.create(
                contact=cid, date=when, kind=kind, summary=clean_text(summary), direction=direction,
                other=other, warning=clean_text(warning) if warning else None,
                data=json.dumps(data) if data is not None else None, created_at=now, went_badly=bool(went_badly),
            )
            updates: dict = {"updated_at": now}
            if rules.counts_as_contact(self.config, kind):
                # The newer date wins, compared in SQL inside the transaction: ``contact`` was read before
                # it, and another process may have logged a later interaction since.
                day = when.isoformat()
                updates["last_interaction"] = fn.MAX(fn.COALESCE(Contact.last_interaction, day), day)
                if contact.to_contact:
                    updates["to_contact"] = False
            Contact.update(updates).where(Contact.id == cid).execute()
        return event.id

    def ask_warning(self, cid: int, kind: str = "ask") -> Optional[str]:
        """The warning to confirm before logging ``kind`` with ``cid`` (an ask too early), or None."""
        from .intel.ledger import ask_warning

        return ask_warning(self, cid, kind)

    @cached_property
    def intel(self):
        """Relationship intelligence over this core: agenda, circles, ledger, reviews, suggestions."""
        from .intel import Intel

        return Intel(self)

    def delete_event(self, event_id: int) -> None:
        """Remove one timeline entry (an undo); keeps last_interaction right."""
        event = Event.get_or_none(Event.id == event_id)
        if event is None:
            raise NotFoundError(f"no timeline entry with id {event_id}")
        with store.write(self.db):
            cid = event.contact_id
            event.delete_instance()
            self._refresh_last_interaction(cid)

    def _refresh_last_interaction(self, cid: int) -> None:
        latest = (
            Event.select(fn.MAX(Event.date))
            .where((Event.contact == cid) & Event.kind.not_in(rules.non_contact_kinds(self.config)))
            .scalar()
        )
        Contact.update(last_interaction=latest).where(Contact.id == cid).execute()

    def change_level(
        self,
        cid: int,
        *,
        ladder: Optional[str] = None,
        to: str | int | None = None,
        step: int = 0,
        reason: str = "",
        date: dt.date | str | None = None,
    ) -> tuple[Optional[int], int]:
        """Move a contact on a ladder by ``step`` rungs or ``to`` a rank; return (from, to)."""
        key, lad = self.ladder(ladder)
        when = parse_date(date, past=True)
        # Read the current rank inside the write transaction, so two processes promoting the
        # same contact at once move them two rungs, not one each from the same start.
        with store.write(self.db):
            contact = self.contact_record(cid)
            row = ContactLevel.get_or_none((ContactLevel.contact == cid) & (ContactLevel.ladder == key))
            current = row.rank if row else None
            if to is not None:
                target = self.parse_level(to, key)
            elif current is None:
                if step <= 0:
                    raise InputError(f"{contact.name} is not on the {key} ladder; give a level to place them")
                target = lad.default_rank
            else:
                target = lad.next_rank(current, step)
                if target is None:
                    edge = "top" if step > 0 else "bottom"
                    raise InputError(
                        f"{contact.name} is at {lad.label(current)}, the {edge} rung of the {key} ladder; "
                        f"cannot {'promote' if step > 0 else 'demote'} further"
                    )
            if target == current:
                raise InputError(f"{contact.name} is already at {lad.label(current)}")
            now = _now()
            if row is None:
                ContactLevel.create(contact=cid, ladder=key, rank=target)
            else:
                ContactLevel.update(rank=target).where(ContactLevel.id == row.id).execute()
            Event.create(
                contact=cid, date=when, kind=LEVEL_CHANGE, ladder=key, from_rank=current, to_rank=target,
                reason=clean_text(reason), summary="", created_at=now,
            )
            Contact.update(updated_at=now).where(Contact.id == cid).execute()
        return current, target

    # Archive ---------------------------------------------------------------------------

    def archive(self, cid: int) -> None:
        self.contact_record(cid)
        with store.write(self.db):
            Contact.update(archived_at=_now()).where(Contact.id == cid).execute()

    def restore(self, cid: int) -> None:
        self.contact_record(cid)
        with store.write(self.db):
            Contact.update(archived_at=None, updated_at=_now()).where(Contact.id == cid).execute()

    # Reading -----------------------------------------------------------------------------

    def rows(
        self,
        *,
        ladder: Optional[str] = None,
        rank: Optional[int] = None,
        sphere: Optional[str] = None,
        tag: Optional[str] = None,
        archived: bool = False,
        ids: Optional[Iterable[int]] = None,
        limit: Optional[int] = None,
    ) -> list[ContactRow]:
        """The contact list, sorted by name, as plain rows (the first ``limit`` only, when given).

        Rows are built from a streaming cursor and share equal values (spheres,
        companies, tag tuples, dates), so 100k rows cost about 30 MB.
        """
        key, _ = self.ladder(ladder)
        Introducer = Contact.alias("introducer")
        level = ContactLevel.alias("lvl")
        query = (
            Contact.select(
                Contact.id, Contact.name, level.rank, Contact.sphere, Contact.company, Contact.email,
                Contact.tags, Contact.last_interaction, Introducer.name, Contact.archived_at,
                Contact.to_contact, Contact.cadence_days, fn.substr(Contact.created_at, 1, 10),
            )
            .join(level, JOIN.LEFT_OUTER, on=((level.contact == Contact.id) & (level.ladder == key)))
            .switch(Contact)
            .join(Introducer, JOIN.LEFT_OUTER, on=(Contact.introduced_by == Introducer.id))
            .where(Contact.archived_at.is_null(not archived))
            # By rules.sort_key (case and accents folded), stored and indexed. With a limit the contact_sort_key
            # index serves the first page; the whole list is faster read in table order and sorted (100k: 0.6 s
            # -> 0.3 s), so there the key is wrapped in an expression the index cannot serve.
            .order_by(Contact.sort_key if limit is not None else Contact.sort_key.concat(""), Contact.id)
        )
        if limit is not None:
            query = query.limit(limit)
        if rank is not None:
            query = query.where(level.rank == rank)
        if sphere:
            query = query.where(Contact.sphere == self.config.check_sphere(sphere))
        if tag:
            wanted = clean_tag(tag)
            query = query.where(("," + Contact.tags + ",").contains("," + wanted + ","))
        if ids is not None:
            query = query.where(Contact.id.in_(list(ids)))
        # The raw cursor streams plain values; Peewee's per-value conversion would double the time.
        return rows_from_cursor(self.db.execute(query))

    def all_ranks(self, ids: Optional[Iterable[int]] = None) -> dict[int, dict[str, int]]:
        """contact id -> {ladder key: rank} for every ladder the contacts stand on."""
        query = ContactLevel.select(ContactLevel.contact, ContactLevel.ladder, ContactLevel.rank)
        if ids is not None:
            query = query.where(ContactLevel.contact.in_(list(ids)))
        result: dict[int, dict[str, int]] = {}
        # Plain integers and text: the raw cursor skips Peewee's per-value conversion (100k rows: 1 s -> 0.1 s).
        for cid, key, rank in self.db.execute(query):
            result.setdefault(cid, {})[key] = rank
        return result

    def card(self, cid: int, *, notes_limit: Optional[int] = None) -> Card:
        """Everything about a contact but the timeline.

        With ``notes_limit`` only the first that many characters of the notes are read (and cleaned);
        ``Card.notes_cut`` says whether some were left out, and the card has no ``version`` (it is not
        for editing). A 10 MB note then costs a few milliseconds instead of a third of a second.
        """
        if notes_limit is None:
            contact = self.contact_record(cid)
            notes_cut = False
        else:
            self.check_contact(cid)
            columns = [field for field in Contact._meta.sorted_fields if field.name != "notes"]
            contact = Contact.select(*columns).where(Contact.id == cid).get()
            # One character more than asked tells whether there is more (length() would read it all).
            head = self.db.execute_sql(
                "SELECT substr(notes, 1, ?) FROM contact WHERE id = ?", (notes_limit + 1, cid)
            ).fetchone()[0] or ""
            notes_cut = len(head) > notes_limit
            contact.notes = head[:notes_limit]
        introducer = None
        if contact.introduced_by_id is not None:
            row = Contact.select(Contact.name).where(Contact.id == contact.introduced_by_id).tuples().first()
            introducer = row[0] if row else None
        ranks = {
            key: rank
            for key, rank in ContactLevel.select(ContactLevel.ladder, ContactLevel.rank)
            .where(ContactLevel.contact == cid)
            .tuples()
        }
        details = tuple(
            Detail(kind, label, value)
            for kind, label, value in ContactDetail.select(ContactDetail.kind, ContactDetail.label, ContactDetail.value)
            .where(ContactDetail.contact == cid)
            .order_by(ContactDetail.position, ContactDetail.id)
            .tuples()
        )
        # Shown as read, but cleaned: text that never passed the cleaning on the way in (an older relterm,
        # sqlite3) must not reach a terminal as escape sequences. The version is of what is stored.
        line, text = clean_for_display, partial(clean_for_display, one_line=False)
        return Card(
            id=contact.id, name=line(contact.name), sphere=line(contact.sphere), company=line(contact.company),
            title=line(contact.title), email=line(contact.email), phone=line(contact.phone),
            birthday=line(contact.birthday), notes=text(contact.notes),
            tags=tuple(line(tag) for tag in split_tags(contact.tags)), introduced_by_id=contact.introduced_by_id,
            introduced_by=line(introducer),
            ranks={line(key): rank for key, rank in ranks.items()}, cadence_days=contact.cadence_days,
            to_contact=contact.to_contact,
            review_every_days=contact.review_every_days, review_due=_as_date(contact.review_due),
            snoozed_until=_as_date(contact.snoozed_until), last_interaction=_as_date(contact.last_interaction),
            uid=line(contact.uid), created_at=contact.created_at, updated_at=contact.updated_at,
            archived_at=contact.archived_at, details=tuple(Detail(line(d.kind), line(d.label), text(d.value))
                                                           for d in details),
            version=self._version(contact, ranks) if notes_limit is None else "", notes_cut=notes_cut,
            url=line(contact.url or ""),
        )

    def timeline(self, cid: int, *, limit: Optional[int] = None, event_id: Optional[int] = None) -> list[TimelineEvent]:
        """The contact's events, newest first (only the one with ``event_id``, when given)."""
        Other = Contact.alias("other")
        query = (
            Event.select(
                Event.id, Event.contact, Event.date, Event.kind, Event.summary, Event.ladder, Event.from_rank,
                Event.to_rank, Event.reason, Event.direction, Event.other, Other.name, Event.warning, Event.data,
                Event.created_at, Event.went_badly,
            )
            .join(Other, JOIN.LEFT_OUTER, on=(Event.other == Other.id))
            .where(Event.contact == cid)
            .order_by(Event.date.desc(), Event.id.desc())
        )
        if event_id is not None:
            query = query.where(Event.id == event_id)
        if limit:
            query = query.limit(limit)
        return [
            TimelineEvent(
                eid, contact, _as_date(date), clean_for_display(kind), clean_for_display(summary, one_line=False),
                clean_for_display(ladder), fr, to, clean_for_display(reason, one_line=False), clean_for_display(direction), other,
                clean_for_display(other_name), clean_for_display(warning, one_line=False), data, created,
                bool(went_badly),
            )
            for eid, contact, date, kind, summary, ladder, fr, to, reason, direction, other, other_name, warning,
            data, created, went_badly in query.tuples().execute()
        ]

    def level_counts(self, ladder: Optional[str] = None) -> dict[int, int]:
        """rank -> number of active contacts on it (ranks missing from the config included)."""
        key, _ = self.ladder(ladder)
        query = (
            ContactLevel.select(ContactLevel.rank, fn.COUNT(ContactLevel.id))
            .join(Contact, on=(ContactLevel.contact == Contact.id))
            .where((ContactLevel.ladder == key) & Contact.archived_at.is_null())
            .group_by(ContactLevel.rank)
        )
        return {rank: count for rank, count in query.tuples()}

    def names(self, *, archived: bool = False) -> list[tuple[int, str]]:
        return list(
            Contact.select(Contact.id, Contact.name)
            .where(Contact.archived_at.is_null(not archived))
            .order_by(Contact.sort_key, Contact.id)
            .tuples()
        )

    def count(self, *, archived: bool = False) -> int:
        return Contact.select().where(Contact.archived_at.is_null(not archived)).count()

    def backup(self, dest: Path) -> Path:
        return store.backup_to(self.db, dest)

    # Fixing the timeline ---------------------------------------------------------------------
    # An entry can be edited (date, kind, text) or deleted; the last such change can be undone
    # (kept in the ``undo`` table until the next one). Level changes obey rules.chain_levels.

    def _event_row(self, event_id: int | str) -> dict:
        """The stored row of one timeline entry (the database's own values), or NotFoundError."""
        text = str(event_id).strip().removeprefix("#")
        if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID or int(text) == 0:
            raise NotFoundError(f"no timeline entry with id {text[:30]!s}; `relterm show NAME --json` lists the ids")
        cursor = self.db.execute_sql("SELECT * FROM event WHERE id = ?", (int(text),))
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no timeline entry with id {int(text)}; `relterm show NAME --json` lists the ids")
        return dict(zip([column[0] for column in cursor.description], row))

    def timeline_entry(self, event_id: int | str) -> TimelineEvent:
        """One timeline entry by its id (as ``show --json`` prints it)."""
        row = self._event_row(event_id)
        return self.timeline(row["contact_id"], event_id=row["id"])[0]

    def _level_steps(self, cid: int, ladder: str) -> list[rules.LevelStep]:
        return [
            rules.LevelStep(eid, _as_date(day), from_rank, to_rank)
            for eid, day, from_rank, to_rank in Event.select(Event.id, Event.date, Event.from_rank, Event.to_rank)
            .where((Event.contact == cid) & (Event.kind == LEVEL_CHANGE) & (Event.ladder == ladder)).tuples()
            if to_rank is not None
        ]

    def _settle_levels(self, cid: int, ladder: str) -> None:
        """Make the ladder's level history consistent (rules.chain_levels) and the rank its outcome."""
        steps = self._level_steps(cid, ladder)
        try:
            chained, current = rules.chain_levels(steps)
        except rules.LevelHistoryError as exc:
            raise InputError(f"{self.contact_record(cid).name}: {exc}; nothing was changed") from None
        before = {step.id: step.from_rank for step in steps}
        for step in chained:
            if before[step.id] != step.from_rank:
                Event.update(from_rank=step.from_rank).where(Event.id == step.id).execute()
        if current is None:
            ContactLevel.delete().where((ContactLevel.contact == cid) & (ContactLevel.ladder == ladder)).execute()
        elif ContactLevel.get_or_none((ContactLevel.contact == cid) & (ContactLevel.ladder == ladder)) is None:
            ContactLevel.create(contact=cid, ladder=ladder, rank=current)
        else:
            ContactLevel.update(rank=current).where(
                (ContactLevel.contact == cid) & (ContactLevel.ladder == ladder)).execute()
        if chained and ladder == self.config.default_ladder:
            # The date added (rules.date_added) is the day of the entry that placed them.
            contact = self.contact_record(cid)
            added = chained[0].date
            if rules.date_added(contact.created_at) != added:
                created = contact.created_at if isinstance(contact.created_at, dt.datetime) else _now()
                Contact.update(created_at=dt.datetime.combine(added, created.time())).where(
                    Contact.id == cid).execute()

    def _after_event_change(self, cid: int, ladders: Iterable[Optional[str]]) -> None:
        for ladder in {key for key in ladders if key}:
            self._settle_levels(cid, ladder)
        self._refresh_last_interaction(cid)
        Contact.update(updated_at=_now()).where(Contact.id == cid).execute()

    def _keep_undo(self, kind: str, data: dict) -> None:
        store.UndoRecord.replace(kind=kind, data=json.dumps(data, default=str), created_at=_now()).execute()

    def edit_event(
        self,
        event_id: int | str,
        *,
        date: dt.date | str | None = None,
        kind: Optional[str] = None,
        summary: Optional[str] = None,
        went_badly: Optional[bool] = None,
    ) -> TimelineEvent:
        """Change a timeline entry's date, kind or text (a level change's text is its reason), or whether
        an interaction went badly.

        Level changes keep their kind; re-dating one re-chains the ladder's history and the current
        rank follows (rules.chain_levels). ``relterm event undo`` takes the edit back."""
        if date is None and kind is None and summary is None and went_badly is None:
            raise InputError("nothing to change: give a new date, kind or summary")
        with store.write(self.db):
            row = self._event_row(event_id)
            cid = row["contact_id"]
            changes: dict = {}
            if date is not None:
                changes["date"] = parse_date(date, past=True)
            if kind is not None:
                wanted = kind.strip().lower()
                if row["kind"] in (LEVEL_CHANGE, rules.INTRODUCED_BY) or wanted in (LEVEL_CHANGE, rules.INTRODUCED_BY):
                    if wanted != row["kind"]:
                        raise InputError(f"a {row['kind']} entry keeps its kind; delete it and log a new one instead")
                else:
                    changes["kind"] = self.config.check_kind(wanted)
                    changes["direction"] = self.config.kind(changes["kind"]).direction
            if summary is not None:
                changes["reason" if row["kind"] == LEVEL_CHANGE else "summary"] = clean_text(summary)
            if went_badly is not None:
                if row["kind"] in (LEVEL_CHANGE, rules.INTRODUCED_BY) and went_badly:
                    raise InputError(f"a {row['kind']} entry is not an interaction; only interactions go badly")
                changes["went_badly"] = bool(went_badly)
            self._keep_undo("event", {"action": "edit", "row": row})
            Event.update(changes).where(Event.id == row["id"]).execute()
            self._after_event_change(cid, [row["ladder"]] if row["kind"] == LEVEL_CHANGE else [])
        return self.timeline_entry(row["id"])

    def remove_event(self, event_id: int | str) -> TimelineEvent:
        """Delete a timeline entry, keeping it for ``undo_event_change`` until the next edit or delete.

        The entry that placed a contact on a ladder cannot be deleted (rules.can_delete_level_step);
        deleting any other level change leaves the rank at the latest remaining entry's."""
        with store.write(self.db):
            row = self._event_row(event_id)
            entry = self.timeline(row["contact_id"], event_id=row["id"])[0]
            if row["kind"] == LEVEL_CHANGE:
                why = rules.can_delete_level_step(self._level_steps(row["contact_id"], row["ladder"]), row["id"])
                if why:
                    raise InputError(f"cannot delete entry {row['id']}: {why}")
            self._keep_undo("event", {"action": "delete", "row": row})
            Event.delete().where(Event.id == row["id"]).execute()
            self._after_event_change(row["contact_id"], [row["ladder"]] if row["kind"] == LEVEL_CHANGE else [])
        return entry

    def undo_event_change(self) -> tuple[str, TimelineEvent]:
        """Take back the last timeline edit or delete; return ("edit" | "delete", the entry as restored)."""
        with store.write(self.db):
            record = store.UndoRecord.get_or_none(store.UndoRecord.kind == "event")
            if record is None:
                raise InputError("no timeline edit or delete to undo (only the last one can be undone, once)")
            data = json.loads(record.data)
            row, action = data["row"], data["action"]
            if Contact.get_or_none(Contact.id == row["contact_id"]) is None:
                raise InputError("the contact of that entry is gone; nothing to undo")
            if action == "edit":
                if Event.get_or_none(Event.id == row["id"]) is None:
                    raise InputError(f"entry {row['id']} was deleted since it was edited; nothing to undo")
                columns = [key for key in row if key != "id"]
                self.db.execute_sql(
                    f'UPDATE event SET {", ".join(f"{chr(34)}{c}{chr(34)} = ?" for c in columns)} WHERE id = ?',
                    [row[c] for c in columns] + [row["id"]])
                eid = row["id"]
            else:
                if Event.get_or_none(Event.id == row["id"]) is not None:  # the id went to a newer entry
                    row = {key: value for key, value in row.items() if key != "id"}
                if row.get("other_id") is not None and Contact.get_or_none(Contact.id == row["other_id"]) is None:
                    row["other_id"] = None
                columns = list(row)
                cursor = self.db.execute_sql(
                    f'INSERT INTO event ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                    f'VALUES ({", ".join("?" for _ in columns)})', [row[c] for c in columns])
                eid = row.get("id") or cursor.lastrowid
            record.delete_instance()
            self._after_event_change(row["contact_id"], [row["ladder"]] if row["kind"] == LEVEL_CHANGE else [])
        return action, self.timeline_entry(eid)
