"""The relationship core: every read and write the CLI and the TUI make.

``Core`` binds a database file to a ladder config. It knows nothing about the
screen; its methods take and return plain values (``relterm.domain``) and
raise ``RelTermError`` subclasses for bad input, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import cached_property, partial
from pathlib import Path
from typing import Iterable, Optional, Sequence

from peewee import JOIN, fn

from . import rules, store
from .clock import now as _now
from .config import Config, Ladder
from .dates import as_date as _as_date, check_days, parse_birthday, parse_date
from .domain import LEVEL_CHANGE, Card, ContactRow, Detail, TimelineEvent, join_tags, rows_from_cursor, split_tags
from .errors import AmbiguousError, AskTooEarly, ConflictError, InputError, NotFoundError
from .sanitize import clean_for_display, clean_line, clean_text
from .store import Contact, ContactDetail, ContactLevel, Event

_UNSET = object()

# The largest id SQLite can hold: a bigger number names no contact (and would overflow the query).
MAX_ID = 2**63 - 1

# Fields ``edit`` may set directly, with the cleaner each goes through.
_LINE_FIELDS = ("name", "company", "title", "email", "phone")


def clean_tag(tag: str) -> str:
    # Commas separate tags in storage; cleaning after replacing them keeps this idempotent ("a, b" -> "a b").
    return clean_line(str(tag).replace(",", " ")).lower()


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
        exact = list(
            Contact.select(Contact.id, Contact.name)
            # NOCASE folds ASCII exactly as LOWER() does, and lets the contact_name_nocase index answer.
            .where(active & (Contact.name.collate("NOCASE") == text))
            .tuples()
        )
        if not exact and not text.isascii():
            # NOCASE folds ASCII only: "émile zola" must still find "Émile Zola".
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
    ) -> int:
        """Create a contact on the default ladder (and on ``ladder`` when another); return its id."""
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
        now = _now()
        when = parse_date(date, past=True) if date is not None else now.date()
        # The date added (rules.date_added) is the day of the add, also when it is given as a past date.
        added_at = dt.datetime.combine(when, now.time())
        with store.write(self.db):
            contact = Contact.create(
                name=name,
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
    ) -> int:
        """Record an interaction; return the event id.

        An ask (a kind with direction ``ask``) against a contact whose level has
        ``ask_ok: false`` raises ``relterm.errors.AskTooEarly`` unless ``force``;
        with ``force`` the warning is kept on the event. ``ask_warning()`` gives
        the text to confirm first.
        """
        kind = self.config.check_kind(kind)
        when = parse_date(date, past=True)
        contact = self.contact_record(cid)
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
                data=json.dumps(data) if data is not None else None, created_at=now,
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
            # NOCASE folds ASCII like SQLite's LOWER(). With a limit the contact_name_nocase index serves
            # the first page; the whole list is faster read in table order and sorted (100k: 0.6 s -> 0.3 s),
            # so there the name is wrapped in an expression the index cannot serve.
            .order_by((Contact.name if limit is not None else Contact.name.concat("")).collate("NOCASE"), Contact.id)
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

    def card(self, cid: int) -> Card:
        contact = self.contact_record(cid)
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
            version=self._version(contact, ranks),
        )

    def timeline(self, cid: int, *, limit: Optional[int] = None, event_id: Optional[int] = None) -> list[TimelineEvent]:
        """The contact's events, newest first (only the one with ``event_id``, when given)."""
        Other = Contact.alias("other")
        query = (
            Event.select(
                Event.id, Event.contact, Event.date, Event.kind, Event.summary, Event.ladder, Event.from_rank,
                Event.to_rank, Event.reason, Event.direction, Event.other, Other.name, Event.warning, Event.data,
                Event.created_at,
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
            )
            for eid, contact, date, kind, summary, ladder, fr, to, reason, direction, other, other_name, warning,
            data, created in query.tuples().execute()
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
            .order_by(fn.LOWER(Contact.name))
            .tuples()
        )

    def count(self, *, archived: bool = False) -> int:
        return Contact.select().where(Contact.archived_at.is_null(not archived)).count()

    def backup(self, dest: Path) -> Path:
        return store.backup_to(self.db, dest)
