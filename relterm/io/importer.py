"""Importing contacts: any reader's records, checked by the core, merged with
what is already there, written in batches inside one transaction.

Speed comes from doing per batch what a naive import does per row: existing
UIDs, emails and names are read once into dicts for duplicate detection, and
new rows go in with one ``executemany`` per table and batch (``store.insert_rows``,
the store's batched writes). A large file is read and
checked in a second, forked process while this one matches and writes (see
:class:`_Reader`), so parsing and SQLite each get a core. Interrupted at any
point (Ctrl-C, kill), the transaction is rolled back and the database is as it
was.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .. import clock, rules, store
from ..dates import check_date, not_after_today, today
from ..domain import LEVEL_CHANGE, join_tags, split_tags
from ..errors import InputError, RelTermError
from ..sanitize import clean_line, clean_text, clean_url
from ..store import Contact, ContactDetail, ContactLevel, Event
from .common import BadRecord, Record

Progress = Callable[[int, int], None]

BATCH = 500
# Contact columns an import never sets from the file.
_NOT_IMPORTED = {"id", "created_at", "updated_at", "archived_at", "last_interaction", "introduced_by", "name",
                 "sort_key"}
# Columns compared when merging (besides tags, emails, phones and details, which are united).
_SCALAR_SKIP = {"email", "phone", "tags", "uid", "sort_key"}  # sort_key follows the name


@dataclass
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Conflict:
    contact: str
    field: str
    kept: str
    incoming: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.contact}: {self.field} {self.kept!r} kept, the file says {self.incoming!r}"


@dataclass
class ImportSummary:
    """What an import did (or, with dry_run, would do)."""

    source: str
    format: str
    dry_run: bool = False
    added: int = 0
    merged: int = 0  # records that matched a contact already there (or earlier in the file)
    updated: int = 0  # of those, how many changed something
    skipped: int = 0
    photos_skipped: int = 0
    updated_fields: bool = False  # --update: differing fields were overwritten
    problems: list[Problem] = field(default_factory=list)  # skipped records, with reasons
    conflicts: list[Conflict] = field(default_factory=list)  # differing fields kept as they were
    warnings: list[str] = field(default_factory=list)  # fields left out of records that were imported
    restored: dict = field(default_factory=dict)  # JSON backups: rows restored per table
    # Archived contacts that records of the file matched (merged into, still archived): (id, name).
    archived: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.merged + self.skipped

    def lines(self, limit: Optional[int] = 50) -> list[str]:
        """The summary as the CLI prints it; at most ``limit`` entries per list (None: all)."""
        verb = "Would import" if self.dry_run else "Imported"
        head = (f"{verb} {clean_line(self.source)} ({self.format}): added {self.added}, merged {self.merged}"
                f" ({self.updated} with changes), skipped {self.skipped}.")
        out = [head]
        if self.archived:
            shown = self.archived if limit is None else self.archived[:max(limit, 1)]
            count = len(self.archived)
            out.append(f"Matched {count} archived contact{'s' if count != 1 else ''}: merged, but still archived"
                       " and hidden; `relterm restore NAME` (or the id) brings one back:")
            out += [f"  {clean_line(name)} (id {cid})" for cid, name in shown]
            if count > len(shown):
                out.append(f"  ... and {count - len(shown)} more")
        if self.restored:
            out.append("  Restored rows: " + ", ".join(f"{table} {n}" for table, n in self.restored.items()) + ".")
        if self.photos_skipped:
            out.append(f"  {self.photos_skipped} photo{'s' if self.photos_skipped != 1 else ''} not imported.")
        sections = (
            ("Skipped", self.problems),
            ("Kept differing values (--update takes the file's)", self.conflicts),
            ("Warnings", self.warnings),
        )
        hidden = 0
        for title, items in sections:
            if not items:
                continue
            out.append(f"{title} ({len(items)}):")
            shown = items if limit is None else items[:limit]
            out += [f"  {clean_line(str(item))}" for item in shown]
            if len(items) > len(shown):
                out.append(f"  ... and {len(items) - len(shown)} more")
                hidden += len(items) - len(shown)
        if hidden:
            out.append("(--all lists every one)")
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out


class _Rollback(Exception):
    pass


@dataclass(slots=True)
class _Prepared:
    """A record after checking: clean values, ready to insert or merge."""

    where: str
    values: dict  # contact columns, cleaned (name, email, phone and tags included)
    emails: list  # every email, lower-cased, for matching
    details: list  # (kind, label, value), primary email and phone excluded
    ranks: dict  # ladder -> rank
    introduced_by: Optional[str]
    events: list  # (date, kind, summary)
    name_key: tuple  # (name, company) case-folded, for matching
    cid: Optional[int] = None
    pending: bool = False  # inserted in this run's current batch, not yet written


_db = store._sql_value  # a Python value as SQLite stores it: one definition, in the store


def _fresh_uids() -> Iterator[str]:
    """Random (version 4) UUIDs as ``str(uuid.uuid4())`` writes them, from one ``os.urandom`` call per thousand."""
    while True:
        data = bytearray(os.urandom(16 * 1024))
        for start in range(0, len(data), 16):
            raw = data[start:start + 16]
            raw[6] = raw[6] & 0x0F | 0x40  # version 4
            raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
            h = raw.hex()
            yield f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _empty(value) -> bool:
    return value is None or value == ""


class Importer:
    """Runs one import. Use :func:`relterm.io.run_import` rather than this class."""

    def __init__(self, core, summary: ImportSummary, *, ladder: Optional[str] = None, level=None,
                 sphere: Optional[str] = None, tags: Iterable[str] = (), update: bool = False,
                 source_name: str = ""):
        self.core = core
        self.config = core.config
        self.summary = summary
        self.update = update
        self.extra_tags = [t for t in tags if t]
        self.source_name = source_name
        self.default_sphere = core.config.check_sphere(sphere) if sphere else None
        self.forced_ranks: dict[str, int] = {}
        if level is not None or ladder:
            key, lad = core.ladder(ladder)
            self.forced_ranks[key] = core.parse_level(level, key) if level is not None else lad.default_rank
        self.default_key, self.default_ladder = core.ladder()
        self.now = clock.now()
        counting = {kind: rules.counts_as_contact(self.config, kind) for kind in self.config.kinds}
        self.contact_kind = lambda kind: counting[kind] if kind in counting else rules.counts_as_contact(self.config, kind)
        self.today = today()
        self.fields = {f.name: f for f in Contact._meta.sorted_fields}
        # Columns whose text from a file must become a number, a flag or a date first.
        self.typed = {f.name: f for f in Contact._meta.sorted_fields
                      if isinstance(f, (IntegerField, BooleanField, DateField, DateTimeField))
                      and not isinstance(f, ForeignKeyField)}
        # Defaults of columns a file does not set; callable ones (a fresh value per row) are called per row.
        self.defaults = {f.name: _db(f.default) for f in Contact._meta.sorted_fields if not callable(f.default)}
        self.callable_defaults = {f.name: f.default for f in Contact._meta.sorted_fields if callable(f.default)}
        self.columns = [f for f in Contact._meta.sorted_fields]
        self.fresh_uids = _fresh_uids()
        self.labels: dict[str, str] = {}  # see _label
        self.intros: list[tuple[int, str, str]] = []
        self.batch_new: list[_Prepared] = []
        self.batch_merges: dict[int, list[_Prepared]] = {}

    # Lookups ------------------------------------------------------------------------------

    def prefetch(self) -> None:
        db = self.core.db
        self.by_uid: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        # name -> the one contact of that name, or None when several share it: a record
        # without a company matches the single contact of its name, whatever their company
        # (so a company filled in by a later record does not make the first one new again).
        self.by_name_only: dict[str, Optional[int]] = {}
        # Contacts with at least one email: a record with emails, none of them theirs, is someone else.
        self.with_email: set[int] = set()
        # Contact -> the UID of the file's record that went into it in this run. Another record of the
        # same file with another UID is another person to that file, whatever it shares with the first.
        self.claimed: dict[int, str] = {}
        # Archived contacts (id -> name): a record matching one is merged and reported, so it is not lost unseen.
        self.archived: dict[int, str] = {}
        self.archived_seen: set[int] = set()
        for cid, uid, name, company, email, archived_at in db.execute_sql(
                "SELECT id, uid, name, company, email, archived_at FROM contact ORDER BY id"):
            self.by_uid[uid] = cid
            self.by_name.setdefault((name.casefold(), (company or "").casefold()), cid)
            self._remember_name(name.casefold(), cid)
            if email:
                self.by_email.setdefault(email.lower(), cid)
                self.with_email.add(cid)
            if archived_at is not None:
                self.archived[cid] = name
        for cid, value in db.execute_sql("SELECT contact_id, value FROM contact_detail WHERE kind = 'email'"):
            self.by_email.setdefault(value.lower(), cid)
            self.with_email.add(cid)
        self.next_id = (db.execute_sql("SELECT MAX(id) FROM contact").fetchone()[0] or 0) + 1
        self.pending: dict[int, _Prepared] = {}

    # Checking -----------------------------------------------------------------------------

    def prepare(self, record: Record) -> _Prepared:
        where = record.where
        raw: dict = {}
        for key, value in record.fields.items():
            if key in _NOT_IMPORTED or key not in self.fields:
                if key not in self.fields:
                    self.summary.warnings.append(f"{where}: unknown field {key!r} left out")
                continue
            raw[key] = value
        # The primary email and phone are one-line fields; further ones are details, kept as add_contact keeps them.
        # Duplicates are found with sets: a card with 40k emails must not take 40k² steps.
        emails = []
        seen_emails: set = set()
        label_of = self._label
        for index, (label, value) in enumerate(record.emails):
            value = clean_line(value) if index == 0 and record.email_primary else clean_text(value)
            folded = value.lower()
            if value and folded not in seen_emails:
                seen_emails.add(folded)
                emails.append((label_of(label), value))
        phones = []
        seen_phones: set = set()
        for index, (label, value) in enumerate(record.phones):
            value = clean_line(value) if index == 0 and record.phone_primary else clean_text(value)
            if value and value not in seen_phones:
                seen_phones.add(value)
                phones.append((label_of(label), value))
        if not record.email_primary:
            emails.insert(0, ("", ""))
        if not record.phone_primary:
            phones.insert(0, ("", ""))
        if emails and emails[0][1]:
            raw["email"] = emails[0][1]
        if phones and phones[0][1]:
            raw["phone"] = phones[0][1]
        raw["tags"] = list(record.tags) + self.extra_tags
        if self.default_sphere and "sphere" not in raw:
            raw["sphere"] = self.default_sphere
        raw["name"] = record.name
        moved_url = None
        if "url" in raw:
            # A profile link must be http(s); any other (a "www." without a scheme, a mailto:) is kept
            # among the details, as every link was before the profile link had a column of its own.
            try:
                raw["url"] = clean_url(raw["url"])
            except ValueError:
                moved_url = raw.pop("url")
        values = self._clean(raw, where)
        details = [("email", label, value) for label, value in emails[1:]]
        if moved_url is not None:
            details.append(("url", "", clean_text(moved_url)))
        details += [("phone", label, value) for label, value in phones[1:]]
        seen = set()
        for kind, label, value in record.details:
            value = clean_text(value)
            key = (kind, value.lower() if kind == "email" else value)
            if value and key not in seen:
                seen.add(key)
                details.append((kind, label_of(label), value))
        ranks: dict[str, int] = {}
        for ladder, rank in record.ranks.items():
            if ladder not in self.config.ladders:
                self.summary.warnings.append(f"{where}: no ladder {ladder!r} in the config; its level left out")
                continue
            try:
                ranks[ladder] = self.core.parse_level(rank, ladder)
            except InputError as exc:
                self.summary.warnings.append(f"{where}: level left out: {exc}")
        ranks.update(self.forced_ranks)
        events = []
        for date, kind, summary in record.events:
            try:  # the range every date is held to; what happened cannot be after today
                not_after_today(check_date(date, "event date"))
            except InputError as exc:
                self.summary.warnings.append(f"{where}: event left out: {exc}")
                continue
            kind = kind if kind in self.config.kinds else "note"
            events.append((date, kind, clean_text(summary)))
        introducer = clean_line(record.introduced_by) if record.introduced_by else None
        for warning in record.warnings:
            if warning == "photo":
                self.summary.photos_skipped += 1
            else:
                self.summary.warnings.append(warning)
        return _Prepared(where, values, [e.lower() for _, e in emails if e], details, ranks, introducer, events,
                         (values["name"].casefold(), values.get("company", "").casefold()))

    def _label(self, label: str) -> str:
        """A detail's label, cleaned once per distinct label: a file uses a handful ("work", "home") a
        hundred thousand times."""
        cleaned = self.labels.get(label)
        if cleaned is None:
            cleaned = clean_line(label)
            if len(self.labels) < 1000 and len(label) <= 100:
                self.labels[label] = cleaned
        return cleaned

    def _clean(self, raw: dict, where: str) -> dict:
        """The core's checks (``Core.clean_fields``) for known fields; typed coercion for newer columns."""
        known, generic = {}, {}
        typed, core_fields = self.typed, self._CORE_FIELDS
        for key, value in raw.items():
            if key in typed:
                value = self._coerce(key, value, where)
                if value is _BAD:
                    continue
            (known if key in core_fields else generic)[key] = value
        try:
            values = self.core.clean_fields(known)
        except InputError:
            # Find the field at fault; drop it with a warning unless it is the name.
            values = {}
            for key, value in known.items():
                try:
                    values.update(self.core.clean_fields({key: value}))
                except InputError as exc:
                    if key == "name":
                        raise
                    self.summary.warnings.append(f"{where}: {key} left out: {exc}")
        for key, value in generic.items():
            values[key] = clean_line(value) if isinstance(value, str) and key == "uid" else (
                clean_text(value) if isinstance(value, str) else value)
        return values

    # Fields ``Core.clean_fields`` checks ("uid" is not one of them).
    _CORE_FIELDS = {"name", "company", "title", "email", "phone", "sphere", "notes", "birthday", "tags",
                    "cadence_days", "review_every_days", "to_contact", "review_due", "snoozed_until"}

    def _coerce(self, key: str, value, where: str):
        column = self.typed.get(key)
        if column is None or not isinstance(value, str):
            return value
        text = value.strip()
        try:
            if isinstance(column, IntegerField) and not isinstance(column, ForeignKeyField):
                return int(text) if text else None
            if isinstance(column, BooleanField):
                return text.lower() in ("1", "true", "yes", "y")
            if isinstance(column, (DateField, DateTimeField)):
                return dt.date.fromisoformat(text[:10]) if text else None
        except ValueError:
            self.summary.warnings.append(f"{where}: {key} {text!r} left out: not a {type(column).__name__[:-5].lower()}")
            return _BAD
        return value

    # Matching and merging ---------------------------------------------------------------------

    def check(self, item: Record | BadRecord) -> tuple[str, str, Optional[_Prepared]]:
        """(where, why it is skipped, None) for a record that cannot be imported, else ("", "", prepared).
        Touches no database: with a separate reader process it runs there."""
        if isinstance(item, BadRecord):
            return item.where, item.reason, None
        try:
            return "", "", self.prepare(item)
        except InputError as exc:
            return item.where, str(exc), None

    def take(self, where: str, reason: str, prepared: Optional[_Prepared]) -> None:
        """Match a checked record and add or merge it (or count it as skipped)."""
        if prepared is None:
            self._skip(where, reason)
            return
        match = self._match(prepared)
        if match is None:
            self._new(prepared)
        else:
            self.summary.merged += 1
            uid = prepared.values.get("uid")
            if uid:
                self.claimed.setdefault(match, uid)
            if match in self.archived and match not in self.archived_seen:
                self.archived_seen.add(match)
                self.summary.archived.append((match, self.archived[match]))
            target = self.pending.get(match)
            if target is not None:
                if self._merge_pending(target, prepared):
                    self.summary.updated += 1
            else:
                self.batch_merges.setdefault(match, []).append(prepared)
        if len(self.batch_new) + len(self.batch_merges) >= BATCH:
            self.flush()

    def _skip(self, where: str, reason: str) -> None:
        self.summary.skipped += 1
        self.summary.problems.append(Problem(where, reason))

    def _match(self, item: _Prepared) -> Optional[int]:
        """The contact ``item`` is, or None for someone new.

        The same UID; else a shared email, unless that contact took a record of this file with
        another UID (two people of one file sharing an address stay two). A record with a UID of
        its own is never merged on its name alone: two people may share a name, and a round trip
        through relterm's exports keeps every one of them. A record without one matches by name and
        company; by name alone (a record without a company) only when its emails and the
        contact's do not differ.
        """
        uid = item.values.get("uid")
        if uid and uid in self.by_uid:
            return self.by_uid[uid]
        claimed = self.claimed
        for email in item.emails:
            found = self.by_email.get(email)
            if found is not None and not (uid and claimed.get(found, uid) != uid):
                return found
        if uid:
            return None
        found = self.by_name.get(item.name_key)
        if found is None and not item.name_key[1]:
            found = self.by_name_only.get(item.name_key[0])
        if found is not None and not item.name_key[1] and item.emails and found in self.with_email:
            return None  # the name alone, and their emails differ (a shared one would have matched above)
        return found

    def _remember_name(self, name: str, cid: int) -> None:
        if name in self.by_name_only and self.by_name_only[name] != cid:
            self.by_name_only[name] = None
        else:
            self.by_name_only[name] = cid

    def _remember(self, cid: int, item: _Prepared) -> None:
        values = item.values
        if values.get("uid"):
            self.by_uid.setdefault(values["uid"], cid)
        for email in item.emails:
            self.by_email.setdefault(email, cid)
        if item.emails:
            self.with_email.add(cid)
        self.by_name.setdefault(item.name_key, cid)
        self._remember_name(item.name_key[0], cid)

    def _new(self, item: _Prepared) -> None:
        cid = self.next_id
        self.next_id += 1
        item.cid = cid
        values = item.values
        if not values.get("uid") or values["uid"] in self.by_uid:
            values["uid"] = next(self.fresh_uids)
        else:
            self.claimed[cid] = values["uid"]
        self._remember(cid, item)
        self.pending[cid] = item
        self.batch_new.append(item)
        self.summary.added += 1

    def _merge_values(self, name: str, current: dict, item: _Prepared) -> dict:
        """Changes to ``current`` (a contact's columns) that ``item`` brings; conflicts are reported."""
        changes: dict = {}
        for key, value in item.values.items():
            if key in _SCALAR_SKIP or _empty(value):
                continue
            have = current.get(key)
            if key == "name" and str(have).casefold() == str(value).casefold():
                continue
            if isinstance(have, (dt.date, dt.datetime)):
                have = have.isoformat()
            mine = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
            if isinstance(have, bool) or isinstance(mine, bool):
                have, mine = bool(have), bool(mine)
                if have == mine or not mine:
                    continue
            if _empty(have):
                changes[key] = value
            elif str(have) != str(mine):
                if self.update:
                    changes[key] = value
                else:
                    self.summary.conflicts.append(Conflict(name, key, str(have), str(mine), item.where))
        tags = split_tags(current.get("tags") or "")
        merged_tags = join_tags(list(tags) + list(split_tags(item.values.get("tags", ""))))
        if merged_tags != join_tags(tags):
            changes["tags"] = merged_tags
        for key in ("email", "phone"):
            if _empty(current.get(key)) and item.values.get(key):
                changes[key] = item.values[key]
        if "name" in changes:
            changes["sort_key"] = rules.sort_key(changes["name"])
        return changes

    def _incoming_details(self, current: dict, known: set, item: _Prepared) -> list:
        """Details of ``item`` the contact lacks (its primary email and phone count as details)."""
        primary = {("email", (current.get("email") or "").lower()), ("phone", current.get("phone") or ""),
                   ("url", current.get("url") or "")}
        new = []
        candidates = list(item.details)
        if item.values.get("email"):
            candidates.insert(0, ("email", "", item.values["email"]))
        if item.values.get("phone"):
            candidates.insert(0, ("phone", "", item.values["phone"]))
        for kind, label, value in candidates:
            key = (kind, value.lower() if kind == "email" else value)
            if key in primary or key in known:
                continue
            known.add(key)
            new.append((kind, label, value))
        return new

    def _merge_pending(self, target: _Prepared, item: _Prepared) -> bool:
        changes = self._merge_values(target.values["name"], target.values, item)
        target.values.update(changes)
        known = {(k, v.lower() if k == "email" else v) for k, _, v in target.details}
        details = self._incoming_details(target.values, known, item)
        target.details += details
        target.emails += [v.lower() for k, _, v in details if k == "email"]
        rank_changes = False
        for ladder, rank in item.ranks.items():
            if ladder not in target.ranks:
                target.ranks[ladder] = rank
                rank_changes = True
            elif target.ranks[ladder] != rank:
                if self.update:
                    target.ranks[ladder] = rank
                    rank_changes = True
                else:
                    self.summary.conflicts.append(Conflict(target.values["name"], f"level on {ladder}",
                                                           str(target.ranks[ladder]), str(rank), item.where))
        new_events = [e for e in item.events if e not in target.events]
        target.events += new_events
        if item.introduced_by and not target.introduced_by:
            target.introduced_by = item.introduced_by
        self._remember(target.cid, item)
        return bool(changes or details or rank_changes or new_events)

    # Writing ------------------------------------------------------------------------------------

    def flush(self) -> None:
        db = self.core.db
        if self.batch_new:
            self._insert_new(db, self.batch_new)
        if self.batch_merges:
            self._merge_existing(db, self.batch_merges)
        self.batch_new = []
        self.batch_merges = {}
        self.pending = {}

    def _insert_new(self, db, items: list[_Prepared]) -> None:
        rows = []
        levels, details, events = [], [], []
        reason = f"imported from {self.source_name}" if self.source_name else "imported"
        now = str(self.now)
        today = self.today.isoformat()
        # Only the columns some record of the batch sets are bound, row by row; the rest have one value for
        # the whole batch (a default, the sphere, the time of the import) and go into the statement.
        contact_kind = self.contact_kind
        given = {"id", "uid", "sort_key"}.union(*(item.values for item in items))
        if any(contact_kind(e[1]) for item in items for e in item.events):
            given.add("last_interaction")
        names = tuple(f.name for f in self.columns if f.name in given)
        base = {**self.defaults, "sphere": self.config.sphere_default, "created_at": now, "updated_at": now}
        fixed = {name: value for name, value in base.items() if name not in given}
        # Each row: the batch's columns, the record's value or else the default.
        template = {name: base.get(name) for name in names}
        row_of = operator.itemgetter(*names)
        typed = frozenset(self.typed) - {"id", "created_at", "updated_at", "last_interaction"}
        callable_defaults = self.callable_defaults.items()
        default_key, default_rank = self.default_key, self.default_ladder.default_rank
        intro_rank = rules.start_rank(self.default_ladder, introduced=True)
        kind_of = self.config.kind
        for item in items:
            values = item.values
            cid = item.cid
            row = {**template, **values}
            row["id"] = cid
            if "sort_key" not in values:  # Core.clean_fields gives it with the name
                row["sort_key"] = rules.sort_key(row["name"])
            if item.events:
                contacts = [e[0] for e in item.events if contact_kind(e[1])]
                if contacts:
                    row["last_interaction"] = _db(max(contacts))
            for key, make in callable_defaults:
                if key not in values:
                    row[key] = make()
            if not typed.isdisjoint(values):
                for key in typed.intersection(values):
                    row[key] = _db(row[key])
            rows.append(row_of(row))
            ranks = item.ranks
            if default_key not in ranks:
                ranks = {**ranks, default_key: intro_rank if item.introduced_by else default_rank}
            for ladder, rank in ranks.items():
                levels.append((cid, ladder, rank))
            position = 0
            for kind, label, value in item.details:
                details.append((cid, kind, label, value, position))
                position += 1
            for date, kind, summary in item.events:
                events.append((cid, _db(date), kind, summary, None, None, None, None, kind_of(kind).direction, now))
            if item.introduced_by:
                self.intros.append((cid, item.introduced_by, item.where))
        store.insert_rows(db, Contact, names, rows, fixed)
        store.insert_rows(db, ContactLevel, ("contact", "ladder", "rank"), levels)
        # Each new contact's starting level goes on its timeline: one statement for the batch, instead
        # of a row of ten values each built here and bound.
        store.insert_first_levels(db, items[0].cid, items[-1].cid, date=today, reason=reason, created_at=now)
        store.insert_rows(db, ContactDetail, ("contact", "kind", "label", "value", "position"), details)
        store.insert_rows(db, Event, ("contact", "date", "kind", "summary", "ladder", "from_rank", "to_rank", "reason",
                                      "direction", "created_at"), events)

    def _merge_existing(self, db, merges: dict[int, list[_Prepared]]) -> None:
        ids = list(merges)
        marks = ", ".join("?" for _ in ids)
        cursor = db.cursor()
        columns = [f.column_name for f in self.columns]
        current = {row[0]: dict(zip(columns, row)) for row in cursor.execute(
            f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM contact WHERE id IN ({marks})", ids)}
        details: dict[int, list] = {}
        for cid, kind, value, position in cursor.execute(
                f"SELECT contact_id, kind, value, position FROM contact_detail WHERE contact_id IN ({marks})", ids):
            details.setdefault(cid, []).append((kind, value.lower() if kind == "email" else value, position))
        ranks: dict[int, dict] = {}
        for cid, ladder, rank in cursor.execute(
                f"SELECT contact_id, ladder, rank FROM contact_level WHERE contact_id IN ({marks})", ids):
            ranks.setdefault(cid, {})[ladder] = rank
        need_events = [cid for cid, items in merges.items() if any(i.events for i in items)]
        events: dict[int, set] = {}
        if need_events:
            emarks = ", ".join("?" for _ in need_events)
            for cid, date, kind, summary in cursor.execute(
                    f"SELECT contact_id, date, kind, summary FROM event WHERE contact_id IN ({emarks})", need_events):
                events.setdefault(cid, set()).add((str(date), kind, summary))
        reason = f"imported from {self.source_name}" if self.source_name else "imported"
        for cid, items in merges.items():
            row = current.get(cid)
            if row is None:
                continue
            row = {name: row[f.column_name] for name, f in self.fields.items()}
            known = {(k, v) for k, v, _ in details.get(cid, [])}
            position = max((p for _, _, p in details.get(cid, [])), default=-1) + 1
            have_ranks = ranks.get(cid, {})
            have_events = events.get(cid, set())
            for item in items:
                changed = False
                changes = self._merge_values(row["name"], row, item)
                new_details = self._incoming_details({**row, **changes}, known, item)
                for kind, label, value in new_details:
                    ContactDetail.insert(contact=cid, kind=kind, label=label, value=value,
                                         position=position).execute()
                    position += 1
                    changed = True
                for ladder, rank in item.ranks.items():
                    before = have_ranks.get(ladder)
                    if before == rank:
                        continue
                    if before is not None and not self.update:
                        self.summary.conflicts.append(Conflict(row["name"], f"level on {ladder}", str(before),
                                                               str(rank), item.where))
                        continue
                    if before is None:
                        ContactLevel.insert(contact=cid, ladder=ladder, rank=rank).execute()
                    else:
                        ContactLevel.update(rank=rank).where(
                            (ContactLevel.contact == cid) & (ContactLevel.ladder == ladder)).execute()
                    Event.insert(contact=cid, date=self.today, kind=LEVEL_CHANGE, ladder=ladder, from_rank=before,
                                 to_rank=rank, reason=reason, summary="", created_at=self.now).execute()
                    have_ranks[ladder] = rank
                    changed = True
                for date, kind, summary in item.events:
                    key = (_db(date), kind, summary)
                    if key in have_events:
                        continue
                    have_events.add(key)
                    Event.insert(contact=cid, date=date, kind=kind, summary=summary,
                                 direction=self.config.kind(kind).direction, created_at=self.now).execute()
                    last = row.get("last_interaction")
                    if self.contact_kind(kind) and (last is None or str(last) < _db(date)):
                        changes["last_interaction"] = date
                    changed = True
                if item.introduced_by and row.get("introduced_by") is None:
                    self.intros.append((cid, item.introduced_by, item.where))
                if changes:
                    changes["updated_at"] = self.now
                    Contact.update(changes).where(Contact.id == cid).execute()
                    row.update({k: _db(v) for k, v in changes.items()})
                    changed = True
                if changed:
                    self.summary.updated += 1
                self._remember(cid, item)

    def link_introducers(self) -> None:
        """Set introduced-by once every contact of the file is in (the introducer may come later in it)."""
        if not self.intros:
            return
        by_name: dict[str, int] = {}
        for cid, name in self.core.db.execute_sql("SELECT id, name FROM contact"):
            by_name.setdefault(name.casefold(), cid)
        for cid, ref, where in self.intros:
            text = ref[9:] if ref.lower().startswith("urn:uuid:") else ref
            introducer = self.by_uid.get(text) or by_name.get(text.casefold())
            if introducer is None:
                self.summary.warnings.append(f"{where}: introducer {ref!r} not found; left out")
                continue
            try:
                self.core.check_introducer(cid, introducer)
            except InputError as exc:
                self.summary.warnings.append(f"{where}: introducer left out: {exc}")
                continue
            Contact.update(introduced_by=introducer).where(
                (Contact.id == cid) & Contact.introduced_by.is_null()).execute()


_BAD = object()


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of an import.

    An import makes millions of small dicts, lists and tuples that live until
    their batch is written. Every few hundred allocations the collector walks
    the ones still alive, finds no cycle among them and starts again: about a
    third of the time spent reading and checking a large file. Reference
    counting still frees everything as usual; only collecting cycles waits
    until the import ends. If the collector was already paused (a second
    import at the same time), it is left as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_records(core, records: Iterator[Record | BadRecord], summary: ImportSummary, *, total: int = 0,
                   progress: Optional[Progress] = None, dry_run: bool = False, apart: bool = False,
                   **options) -> ImportSummary:
    """Import ``records`` in one transaction (rolled back at the end for a dry run).

    With ``apart``, reading and checking the records runs in a forked process
    (when :meth:`_Reader.available`) while this one matches and writes them, so a
    large file keeps two cores busy. The results are the same either way: the
    records arrive in file order, with the warnings each one gave, and every
    database write stays in this process's one transaction.
    """
    importer = Importer(core, summary, **options)
    done = 0
    reader = _Reader(importer, records) if apart and _Reader.available() else None
    try:
        with _no_cycle_collection(), store.write(core.db):
            importer.prefetch()
            checked = map(importer.check, records) if reader is None else reader.checked(summary)
            for where, reason, prepared in checked:
                importer.take(where, reason, prepared)
                done += 1
                if progress is not None and done % 100 == 0:
                    progress(done, max(total, done))
            importer.flush()
            importer.link_introducers()
            if progress is not None:
                progress(done, max(total, done))
            if dry_run:
                raise _Rollback()
    except _Rollback:
        pass
    finally:
        if reader is not None:
            reader.stop()
    summary.updated_fields = importer.update
    return summary


class _Reader:
    """Reads and checks records in a forked child process and hands them over in batches, in order.

    The child never touches the database (it only runs :meth:`Importer.check`,
    which needs the config alone); it ignores Ctrl-C, which reaches the parent,
    and stops when the parent stops reading. An exception in the child (a file
    that cannot be read at all, say) is raised again in the parent, inside its
    transaction, so nothing is written.
    """

    BATCH = 500
    # The first batch is small: the importing process waits for it with nothing else to do (500 checked
    # rows take ~20 ms), and after it the reader stays ahead.
    FIRST_BATCH = 50

    @staticmethod
    def available() -> bool:
        """Whether a second process can help and is safe: the platform forks, this process may use two
        cores, and it runs one thread (forking a threaded process, such as the TUI, can leave the child
        waiting on a lock another thread held; imports there read in-process).

        The machine's load does not matter: measured with two other processes keeping both cores busy,
        100k CSV rows still imported in 8.2 s read apart against 11.5 s in one process, because the
        scheduler shares the cores among runnable processes and the import then has two of them."""
        import multiprocessing
        import threading

        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # no affinity call (macOS)
            cores = os.cpu_count() or 1
        return cores >= 2 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()

    def __init__(self, importer: Importer, records: Iterator[Record | BadRecord]):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_read_apart, args=(importer, records, send, self.receive),
                                       daemon=True)
        self.process.start()
        send.close()  # the child holds the only writing end: its exit ends the stream

    def batches(self) -> Iterator[list[tuple]]:
        """Lists of (where, reason, prepared fields or None, warnings or None, photos skipped), in file order."""
        while True:
            try:
                batch = self.receive.recv()
            except EOFError:
                raise RelTermError("reading the file stopped unexpectedly; nothing was imported") from None
            if batch is None:
                return
            if isinstance(batch, BaseException):
                raise batch
            yield batch

    def checked(self, summary: ImportSummary) -> Iterator[tuple[str, str, Optional[_Prepared]]]:
        """What :meth:`Importer.check` gave for each record, in file order; the warnings and skipped photos
        each one gave are added to ``summary`` as it arrives."""
        for batch in self.batches():
            for where, reason, packed, warnings, photos in batch:
                if warnings:
                    summary.warnings += warnings
                summary.photos_skipped += photos
                yield where, reason, _Prepared(*packed) if packed is not None else None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receive.close()


def _read_apart(importer: Importer, records: Iterator[Record | BadRecord], send, receive) -> None:
    """The reader process: check every record and send (where, reason, prepared fields, warnings, photos)."""
    import signal

    # The fork copied the parent's reading end. Closed here, the parent holds the only one, so when the
    # parent dies (even by SIGKILL) the next send fails and this process exits instead of waiting forever.
    receive.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # this process only reads and exits; see _no_cycle_collection
    sink = importer.summary = ImportSummary(source="", format="")
    batch: list = []
    size = _Reader.FIRST_BATCH
    try:
        try:
            for item in records:
                where, reason, prepared = importer.check(item)
                packed = None if prepared is None else (
                    prepared.where, prepared.values, prepared.emails, prepared.details, prepared.ranks,
                    prepared.introduced_by, prepared.events, prepared.name_key)
                batch.append((where, reason, packed, sink.warnings or None, sink.photos_skipped))
                if sink.warnings:
                    sink.warnings = []  # the list sent stays as it is
                sink.photos_skipped = 0
                if len(batch) >= size:
                    send.send(batch)
                    batch = []
                    size = _Reader.BATCH
            if batch:
                send.send(batch)
            send.send(None)
        except (BrokenPipeError, EOFError):  # the parent stopped reading
            return
        except BaseException as exc:
            try:
                send.send(exc)
            except Exception:
                send.send(RelTermError(f"reading the file failed: {exc}"))
    except (BrokenPipeError, EOFError, OSError):
        return
    finally:
        send.close()


def source_label(path: Path) -> str:
    return Path(path).name or str(path)
