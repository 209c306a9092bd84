"""One `relterm sync`: the contacts vdir and the database merged, the agenda
vdir rewritten, vdirsyncer run, and what it brought down merged again.

The database is the truth for everything relterm owns; only the standard
fields (``mapping.FIELDS``) travel. Per card file (see ``state``):

* a file the state does not know is a card from the phone: linked to the
  contact with its UID, else to the one active contact with the same email
  or phone (compared normalised: case aside, phones by ``merge.phone_key``),
  else added as a new contact at the ladder's new-contact rank, with a
  timeline entry. Linking merges the card into the contact field by field
  (no common ancestor: an empty value never wins, two different values are a
  conflict, relterm's wins by default and the other goes on the timeline).
  When the contact already has a card relterm wrote for it (the first sync
  writes one for everyone before vdirsyncer brings the server's down), that
  card is removed and the phone's card, now holding the merged fields, is
  the contact's card from then on: the server ends with one card per person,
  and it is the one the phone already knew (its UID, photo and everything
  relterm does not manage stay). A card matching several contacts is added
  as a new contact and reported; one matching a contact that already has a
  card from the phone is added too (two cards on the phone: check with
  `relterm duplicates`);
* a known file that changed is merged with the contact, three ways, against
  the last synced copy (``merge``); conflicts leave the losing value on the
  timeline as a note;
* a known file that is gone archives its contact (never deletes), with a
  timeline entry, unless the contact has another card (the phone's card that
  replaced relterm's, in a sync killed before it saved its state); `relterm restore` brings the contact back and the next
  sync writes its card again;
* a card is written only when the merged fields differ from the file's, so
  unchanged contacts keep their file's bytes and mtime;
* an archived (or deleted) contact's card is removed.

Order makes a killed sync safe: database changes are committed first (one
transaction), then files are replaced atomically, then the state is saved.
Rerun, every step finds its work either done (the file already equals the
contact: nothing to merge; a new card's UID already names a contact: linked)
or still to do.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

from .. import store
from ..clock import now as _now
from ..dates import today as _today
from ..io.common import safe_file_stem
from ..merge import phone_key
from ..safewrite import clean_stale, fsync_dir, write_file
from ..sanitize import clean_line
from ..store import Contact, ContactDetail, Event
from . import agenda_vdir, mapping
from . import vdirsyncer as _vdirsyncer
from .merge import PHONE, merge
from .state import Settings, SyncPaths, SyncState, digest, signature

NOTE_KIND = "note"  # timeline entries sync adds: a record about someone, not contact with them
Progress = Callable[[str], None]


@dataclass
class Report:
    dry_run: bool = False
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    relterm_seconds: float = 0.0
    vdirsyncer_seconds: float = 0.0
    vdirsyncer_runs: int = 0
    vdirsyncer_error: str = ""
    elapsed: float = 0.0

    def add(self, line: str, count: str) -> None:
        self.lines.append(line)
        self.counts[count] += 1


def _note(cid: int, text: str, now) -> None:
    Event.create(contact=cid, date=now.date() if hasattr(now, "date") else _today(), kind=NOTE_KIND,
                 summary=text, created_at=now)


def _show(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    text = str(value).replace("\n", " / ")
    return f'"{text}"' if text else "(empty)"


class _Pass:
    """One reading of the contacts vdir against the database (steps 1-3)."""

    def __init__(self, core, paths: SyncPaths, state: SyncState, prefer: str, dry_run: bool, report: Report,
                 confirm: bool):
        self.core, self.paths, self.state, self.prefer = core, paths, state, prefer
        self.dry_run, self.report, self.confirm = dry_run, report, confirm
        self.db = core.db  # the database this core was opened with
        self.updates: list[tuple] = []  # (cid, ours, merged, labels, changed fields, conflicts, name)
        self.files: list[tuple] = []  # (href, text) to write
        self.removals: list[str] = []
        self.archives: list[tuple[int, str]] = []
        self.new_cards: list[tuple[str, mapping.ParsedCard]] = []
        self.retired: list[tuple[str, str, str]] = []  # (relterm's card, whose, the phone's card kept instead)
        self.claimed: set[int] = set()  # contacts a new card from the phone was linked to in this pass
        self._index: Optional[tuple[dict, dict]] = None
        self.entries: dict[str, Optional[dict]] = {}  # href -> new state entry (None: drop it)
        self.wrote = False
        self.contacts: dict[int, mapping.DbContact] = {}

    # Reading ---------------------------------------------------------------------------

    def _read(self, href: str, entry: Optional[dict]):
        """(status, parsed or None, text, sig, sha). status: gone | same | changed | bad."""
        path = self.paths.contacts / href
        sig = signature(path)
        if sig is None:
            if os.path.lexists(path):  # a link to nothing: not a deleted card, so never an archived contact
                self.report.problems.append(f"{href}: cannot read: a link to a file that does not exist; skipped")
                return "bad", None, None, None, None
            return "gone", None, None, None, None
        if entry is not None and entry.get("sig") == sig:
            return "same", None, None, sig, entry.get("sha")
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.report.problems.append(f"{href}: cannot read: {exc.strerror or exc}; skipped")
            return "bad", None, None, None, None
        sha = digest(data)
        if entry is not None and entry.get("sha") == sha:
            return "same", None, None, sig, sha
        from ..io.common import decode_bytes

        text = decode_bytes(data)
        try:
            parsed = mapping.parse_text(text, href)
        except mapping.BadCard as exc:
            self.report.problems.append(f"{clean_line(str(exc))}; skipped (the next sync tries again)")
            return "bad", None, None, None, None
        return "changed", parsed, text, sig, sha

    def run(self) -> None:
        contacts = self.contacts = mapping.db_contacts(self.db)
        state = self.state.cards
        directory = self.paths.contacts
        present = sorted(e.name for e in os.scandir(directory)
                         if e.name.endswith(".vcf") and not e.name.startswith(".") and e.is_file()) \
            if directory.is_dir() else []
        uids_seen: dict[str, str] = {}
        for href, entry in state.items():
            uids_seen.setdefault(entry.get("uid", ""), href)
        mapped = {entry["cid"] for entry in state.values() if entry.get("cid") is not None}
        fresh: list[tuple] = []

        for href in sorted(set(present) | set(state)):
            entry = state.get(href)
            status, parsed, text, sig, sha = self._read(href, entry)
            if status == "bad":
                continue
            if entry is None:
                if parsed is None:
                    continue
                owner = uids_seen.get(parsed.uid)
                if owner is not None and owner != href:
                    self.report.problems.append(
                        f"{href}: its UID {parsed.uid[:60]!r} is also the UID of {owner}; skipped")
                    continue
                uids_seen[parsed.uid] = href
                fresh.append((href, parsed, text, sig, sha))
                continue
            contact = contacts.get(entry.get("cid"))
            if status == "gone":
                if contact is not None and not contact.archived:
                    self.archives.append((contact.id, href))
                self.entries[href] = None
                continue
            if contact is None or contact.archived:
                # Archived (or deleted) in relterm: its card leaves the phone too. A phone edit made since
                # is merged first, so nothing the phone said is lost with the card.
                if contact is not None and status == "changed":
                    self._merge(href, entry, contact, parsed, None, sig, sha, write=False)
                self.removals.append(href)
                self.entries[href] = None
                continue
            if (status == "same" and sig == entry.get("sig") and entry.get("row") == contact.row
                    and not (entry.get("pending") and self.confirm)):
                continue  # neither the file nor the contact changed since the last sync: nothing to do
            self._merge(href, entry, contact, parsed, text, sig, sha)

        # New cards after the known ones: linking one may retire a card the loop above has seen.
        for href, parsed, text, sig, sha in fresh:
            self._new_card(href, parsed, text, sig, sha, contacts, mapped)
        if self.archives:
            # A contact that still has a card is not archived because another of its cards left.
            carded = {e["cid"] for e in self.entries.values() if e} | {
                e.get("cid") for h, e in state.items() if h not in self.entries}
            self.archives = [(cid, href) for cid, href in self.archives if cid not in carded]

        # Step 3 for contacts without a card: a new card each.
        taken = set(present) | set(state) | set(self.entries)
        linked = {e["cid"] for e in self.entries.values() if e} | mapped
        for cid, contact in contacts.items():
            if contact.archived or cid in linked:
                continue
            href = f"{safe_file_stem(contact.uid)}.vcf"
            if href in taken:
                href = f"{safe_file_stem(contact.uid)}-{cid}.vcf"
            taken.add(href)
            self.files.append((href, mapping.render(contact.uid, contact.fields, contact.labels)))
            self.entries[href] = {"uid": contact.uid, "cid": cid, "base": None, "made": True,
                                  "held": mapping.to_json(contact.fields), "pending": True, "row": contact.row}
            self.report.add(f"card written for {contact.fields['name']} (new in relterm)", "written")

    def _match_index(self, contacts) -> tuple[dict, dict]:
        """Active contacts by email (case aside) and by phone (``merge.phone_key``): built once a pass."""
        if self._index is None:
            by_email: dict[str, set[int]] = {}
            by_phone: dict[str, set[int]] = {}
            for contact in contacts.values():
                if contact.archived:
                    continue
                for email in contact.fields["emails"]:
                    by_email.setdefault(email.casefold(), set()).add(contact.id)
                for phone in contact.fields["phones"]:
                    key = phone_key(phone)
                    if key:
                        by_phone.setdefault(key, set()).add(contact.id)
            self._index = by_email, by_phone
        return self._index

    def _candidates(self, parsed: mapping.ParsedCard, contacts) -> dict[int, str]:
        """contact id -> how it matches the card (same email, same phone)."""
        by_email, by_phone = self._match_index(contacts)
        found: dict[int, str] = {}
        for email in parsed.fields["emails"]:
            for cid in sorted(by_email.get(email.casefold(), ())):
                found.setdefault(cid, "same email")
        for phone in parsed.fields["phones"]:
            for cid in sorted(by_phone.get(phone_key(phone) or "", ())):
                found.setdefault(cid, "same phone")
        return found

    def _made_by_relterm(self, href: str, entry: dict, contact: mapping.DbContact) -> bool:
        """A card relterm wrote for a contact that had none (not a card that came from the phone)."""
        if entry.get("made"):
            return True
        stem = safe_file_stem(contact.uid)  # state from before the mark: relterm's names and the contact's UID
        return entry.get("uid") == contact.uid and href in (f"{stem}.vcf", f"{stem}-{contact.id}.vcf")

    def _new_card(self, href, parsed: mapping.ParsedCard, text, sig, sha, contacts, mapped) -> None:
        match, how, note = None, "", ""
        for contact in contacts.values():
            if contact.uid == parsed.uid:
                match, how = contact, "same UID"
                break
        retire: list[str] = []
        if match is None:
            found = self._candidates(parsed, contacts)
            if len(found) > 1:
                whom = ", ".join(f"{contacts[cid].fields['name']} (id {cid})" for cid in list(found)[:5])
                note = (f"; it matches {len(found)} contacts by email or phone ({whom}): "
                        "check with `relterm duplicates`")
                self.report.counts["ambiguous"] += 1
            elif found:
                (cid, how), = found.items()
                contact = contacts[cid]
                cards = [h for h, e in self.state.cards.items()
                         if e.get("cid") == cid and h != href and self.entries.get(h, e) is not None]
                if cid in self.claimed:
                    note = (f"; it matches {contact.fields['name']} (id {cid}, {how}), who has another new card "
                            "from the phone in this sync: check with `relterm duplicates`")
                    self.report.counts["ambiguous"] += 1
                elif any(not self._made_by_relterm(h, self.state.cards[h], contact) for h in cards):
                    note = (f"; it matches {contact.fields['name']} (id {cid}, {how}), who has a card from the "
                            "phone already: check with `relterm duplicates`")
                    self.report.counts["ambiguous"] += 1
                elif any(u[0] == cid for u in self.updates):
                    # relterm's card changed on the phone too: merged first, this card is linked next time.
                    self.report.problems.append(
                        f"{href}: matches {contact.fields['name']} ({how}), whose card changed on the phone too; "
                        "the next sync links it")
                    return
                else:
                    match, retire = contact, cards
        if match is None:
            self.new_cards.append((href, parsed))
            self.entries[href] = {"uid": parsed.uid, "cid": None, "sig": sig, "sha": sha,
                                  "base": mapping.to_json(parsed.fields), "held": mapping.to_json(parsed.fields),
                                  "pending": False}
            self.report.add(f"new contact {parsed.fields['name']} from the phone ({href}){note}", "added")
            return
        mapped.add(match.id)
        self.claimed.add(match.id)
        if how != "same UID" or match.fields != parsed.fields:
            self.report.add(f"card {href} linked to {match.fields['name']} (id {match.id}, {how})", "linked")
        for old in retire:
            # relterm's own card for them goes: the phone's card, with the merged fields, takes its place.
            self.files = [(h, t) for h, t in self.files if h != old]
            self.entries[old] = None
            self.retired.append((old, match.fields["name"], href))
            self.report.add(f"card {old} removed: {match.fields['name']}'s card from the phone ({href}) "
                            "is theirs now", "removed")
        if match.archived:
            self.updates.append((match.id, None, None, {}, [], [], match.fields["name"], "restore"))
        entry = {"uid": parsed.uid, "cid": match.id, "base": None, "held": None, "pending": False}
        self._merge(href, entry, match, parsed, text, sig, sha, first=True)

    # Merging -----------------------------------------------------------------------------

    def _merge(self, href, entry, contact, parsed, text, sig, sha, *, write=True, first=False) -> None:
        base = mapping.from_json(entry.get("base"))
        held = mapping.from_json(entry.get("held"))
        pending = bool(entry.get("pending"))
        changed = parsed is not None
        if base is None and not first:
            base = held  # a card relterm wrote and nobody confirmed yet: the only copy anyone could have seen
        if not changed and pending and self.confirm:
            base, pending = held, False  # vdirsyncer has taken relterm's last write to the server
        if changed:
            theirs = parsed.fields
            if parsed.unknown_birthday:
                theirs = dict(theirs, birthday=(base or contact.fields)["birthday"])
        else:
            theirs = (base if base is not None else contact.fields) if pending else held
        result = merge(None if first else base, contact.fields, theirs, self.prefer)
        merged = result.fields
        ours = contact.fields
        labels = dict(contact.labels)
        if changed:
            for key, label in parsed.labels.items():
                labels.setdefault(key, label)
        name = merged["name"]
        from_phone = [mapping.FIELD_NAMES[k] for k in mapping.FIELDS if merged[k] != ours[k]]
        if from_phone or result.conflicts:
            self.updates.append((contact.id, ours, merged, labels, from_phone, result.conflicts, name, "update"))
            if from_phone:
                self.report.add(f"{name}: {', '.join(from_phone)} updated from the phone", "updated")
            for c in result.conflicts:
                self.report.add(
                    f"{name}: {c.field} changed on both sides; kept {_show(c.kept)}, "
                    f"{'the phone' if c.lost_side == PHONE else 'relterm'}'s {_show(c.lost)} is on the timeline",
                    "conflicts")
        file_fields = parsed.fields if changed else held
        new = {"uid": entry.get("uid"), "cid": contact.id, "sig": sig, "sha": sha,
               "base": mapping.to_json(theirs if changed else base) if (changed or base is not None) else None,
               "held": mapping.to_json(file_fields), "pending": pending, **({"made": True} if entry.get("made") else {}),
               # The contact's row as read, when this pass leaves it as it is: the next sync skips the
               # merge while the row and the file stay the same.
               "row": None if from_phone else contact.row}
        if write and merged != file_fields:
            old = text
            if old is None:
                try:
                    old = (self.paths.contacts / href).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    old = None
            self.files.append((href, mapping.render(entry.get("uid") or contact.uid, merged, labels, old,
                                                    old_url=file_fields["url"])))
            new["held"] = mapping.to_json(merged)
            new["pending"] = True
            self.report.add(f"card written for {name} ({', '.join(k for k in mapping.FIELDS if merged[k] != file_fields[k])})",
                            "written")
        self.entries[href] = new

    # Applying ----------------------------------------------------------------------------

    def apply(self, say: Optional[Progress] = None) -> None:
        """Database first (one transaction), then the files, then the state."""
        if self.dry_run:
            return
        say = say or (lambda text: None)
        now = _now()
        skipped: set[int] = set()
        if self.updates or self.archives or self.new_cards:
            say(f"Applying {_count(len(self.updates) + len(self.archives) + len(self.new_cards), 'change')} "
                "to the database")
            with store.write(self.db):
                # Re-read inside the write transaction: a contact changed in relterm since the pass read it
                # is left for the next sync to merge.
                fresh_all = mapping.db_contacts(self.db, [u[0] for u in self.updates if u[-1] == "update"])
                for cid, ours, merged, labels, from_phone, conflicts, name, what in self.updates:
                    if what == "restore":
                        Contact.update(archived_at=None, updated_at=now).where(Contact.id == cid).execute()
                        _note(cid, "Card back on the phone: restored by sync", now)
                        continue
                    fresh = fresh_all.get(cid)
                    if fresh is None or fresh.fields != ours:
                        skipped.add(cid)
                        self.report.problems.append(f"{name}: changed in relterm during the sync; "
                                                    "the next sync merges it")
                        continue
                    if from_phone:
                        self._store_fields(cid, merged, labels, now)
                        _note(cid, f"Updated from your phone (sync): {', '.join(from_phone)}", now)
                    for c in conflicts:
                        side = "the phone" if c.lost_side == PHONE else "relterm"
                        _note(cid, f"Sync conflict on {c.field}: kept {_show(c.kept)}; {side} had {_show(c.lost)}",
                              now)
                for cid, href in self.archives:
                    Contact.update(archived_at=now).where(Contact.id == cid).execute()
                    _note(cid, "Card deleted on your phone: archived by sync (`relterm restore` brings it back)", now)
                for href, parsed in self.new_cards:
                    cid = self._add(parsed)
                    self.entries[href]["cid"] = cid
        for cid, href in self.archives:
            name = self.contacts[cid].fields["name"]
            self.report.add(f"{name} archived: the card was deleted on the phone", "archived")
        if self.files:
            say(f"Writing {_count(len(self.files), 'card')}")
            clean_stale(self.paths.contacts)  # cards a killed sync left half-written
        for href, text in self.files:
            entry = self.entries.get(href)
            if entry and entry.get("cid") in skipped:
                continue
            path = self.paths.contacts / href
            # One card among many: the directory is synced once, below (per card, each write would list
            # and sync the whole directory again).
            write_file(path, text, database=self.db.database, follow=False, batch=True)
            entry["sig"], entry["sha"] = signature(path), digest(text.encode("utf-8"))
            self.wrote = True
        for old, name, kept in self.retired:
            try:
                (self.paths.contacts / old).unlink()
                self.wrote = True
            except FileNotFoundError:
                pass
        for href in self.removals:
            try:
                (self.paths.contacts / href).unlink()
                self.report.add(f"card {href} removed (archived in relterm)", "removed")
                self.wrote = True
            except FileNotFoundError:
                pass
        if self.wrote:
            fsync_dir(self.paths.contacts)
        for href, entry in self.entries.items():
            if entry is None:
                self.state.cards.pop(href, None)
            elif entry.get("cid") in skipped:
                continue
            else:
                self.state.cards[href] = entry

    def _store_fields(self, cid: int, fields: dict, labels: dict, now) -> None:
        Contact.update(dict(mapping.contact_columns(fields), updated_at=now)).where(Contact.id == cid).execute()
        ContactDetail.delete().where((ContactDetail.contact == cid)
                                     & ContactDetail.kind.in_(["email", "phone", "address"])).execute()
        top = (ContactDetail.select(ContactDetail.position).where(ContactDetail.contact == cid)
               .order_by(ContactDetail.position.desc()).scalar()) or 0
        for n, (kind, label, value) in enumerate(mapping.detail_rows(fields, labels), top + 1):
            ContactDetail.create(contact=cid, kind=kind, label=label, value=value, position=n)

    def _add(self, parsed: mapping.ParsedCard) -> int:
        f = parsed.fields
        taken = Contact.select(Contact.id).where(Contact.uid == parsed.uid).exists()
        return self.core.add_contact(
            f["name"], company=f["company"], title=f["title"], url=f["url"],
            email=f["emails"][0] if f["emails"] else "",
            phone=f["phones"][0] if f["phones"] else "", tags=f["tags"], notes=f["notes"],
            birthday=f["birthday"] or None, details=mapping.detail_rows(f, parsed.labels),
            uid=None if taken else parsed.uid, reason="added from your phone (sync)",
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def check_ready(paths: SyncPaths) -> None:
    from ..errors import InputError

    if not paths.contacts.is_dir() or not paths.agenda.is_dir():
        raise InputError(f"no sync set up for this database ({paths.root} is missing); run `relterm sync init`")


def run_sync(core, paths: SyncPaths, settings: Settings, *, dry_run: bool = False, use_vdirsyncer: bool = True,
             prefer: Optional[str] = None, progress: Optional[Progress] = None) -> Report:
    """Steps 1-5 of `relterm sync`."""
    check_ready(paths)
    say = progress or (lambda text: None)
    report = Report(dry_run=dry_run)
    prefer = prefer or settings.prefer
    state = SyncState.load(paths.state_file, database=core.db.database)
    started = time.perf_counter()

    def own_work(confirm: bool) -> bool:
        t0 = time.perf_counter()
        say("Reading what vdirsyncer brought down" if confirm else "Reading the contacts vdir")
        cards_before = len(state.cards)
        sync = _Pass(core, paths, state, prefer, dry_run, report, confirm)
        sync.run()
        sync.apply(say)
        say("Writing the agenda vdir")
        agenda_before = dict(state.agenda)
        agenda = agenda_vdir.sync_agenda(core, paths.agenda, settings.agenda_days, dry_run=dry_run,
                                         memory=state.agenda)
        for name in agenda.written:
            report.add(f"agenda: {name} written", "agenda_written")
        for name in agenda.removed:
            report.add(f"agenda: {name} removed", "agenda_removed")
        if not dry_run and (sync.entries or len(state.cards) != cards_before or state.agenda != agenda_before):
            state.save()  # what this pass did is remembered before vdirsyncer runs (the end saves again)
        report.relterm_seconds += time.perf_counter() - t0
        return sync.wrote or bool(agenda.written or agenda.removed)

    own_work(False)
    if use_vdirsyncer and not dry_run:
        if not paths.vdirsyncer_config.exists():
            report.vdirsyncer_error = (f"{paths.vdirsyncer_config} is missing; run `relterm sync init` "
                                       "(or sync with --no-vdirsyncer)")
        else:
            for _ in range(2):
                say("Running vdirsyncer")
                run = _vdirsyncer.run(paths)
                report.vdirsyncer_runs += 1
                report.vdirsyncer_seconds += run.seconds
                if not run.ok:
                    report.vdirsyncer_error = f"vdirsyncer failed: {clean_line(run.message)}"
                    break
                if not own_work(True):
                    break
    if not dry_run:
        state.last_sync = _now().isoformat(timespec="seconds")
        state.last_counts = dict(report.counts)
        state.conflicts = (state.conflicts + [line for line in report.lines if "changed on both sides" in line])[-200:]
        state.problems = list(report.problems)
        state.save()
    report.elapsed = time.perf_counter() - started
    return report


def status(paths: SyncPaths) -> dict:
    state = SyncState.load(paths.state_file)
    pending = sum(1 for entry in state.cards.values() if entry.get("pending"))
    return {
        "set_up": paths.contacts.is_dir(),
        "directory": str(paths.root),
        "vdirsyncer_config": str(paths.vdirsyncer_config) if paths.vdirsyncer_config.exists() else None,
        "last_sync": state.last_sync,
        "cards": len(state.cards),
        "waiting_for_upload": pending,
        "last_counts": state.last_counts,
        "conflicts": state.conflicts[-20:],
        "problems": state.problems,
    }
