"""The main screen's popup flows: open a popup, await the answer, write it in a thread worker, report, refresh.

A part of ``MainScreen`` (``screens/main.py``), kept in its own module. Every
flow has one shape, written once in ``FlowsPart.popup_then_write``: open the
popup, await the answer (nothing happens on a cancel), run the write in a
thread worker (``WorkersPart.run_db``: an error is reported as a
notification), reopen the popup with what was typed when the write failed,
and post a message from ``relterm.tui.messages`` once it succeeded: the
screen (and any view) refreshes from the message. The popups are imported
when first opened (~10 ms less before the first frame).
"""

from __future__ import annotations

import time
from dataclasses import fields as fields_of, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional

from rich.style import Style
from rich.text import Text
from textual import work
from textual.screen import Screen

from .. import rules
from ..domain import Card, ContactRow
from ..errors import RelTermError
from ..sanitize import clean_for_terminal
from . import messages
from .widgets.contact_list import ContactList
from .widgets.pyramid import Pyramid

if TYPE_CHECKING:
    from .modals.contact_form import ContactDraft
    from .modals.level_form import Suggested

UNDO_SECONDS = 8.0
# From this many contacts the duplicate search takes long enough (about 9 s at 100k) to say it has started.
SLOW_SEARCH_ROWS = 5_000
# Returned by a flow's ``failed`` step: end the flow instead of reopening the popup,
STOP = object()
# or write again with the same answer (the user said yes to a question about the error).
RETRY = object()


class FlowsPart(Screen):
    """Adding, editing, logging, names, reviews, levels, import, export, archive and undo, merging (a Screen
    subclass so that Textual registers its handlers)."""

    # The shape of every flow ----------------------------------------------------------------

    def _flow_open(self) -> bool:
        """Whether a popup flow is already under way (keys typed ahead must not open a second one)."""
        return any(worker.group == "flow" and not worker.is_finished for worker in self.workers)

    def _start(self, flow: Callable[..., Any], *args: Any) -> None:
        if not self._flow_open():
            self.app.key_hold.hold()  # keys typed before its popup shows go to the popup (typeahead.py)
            flow(*args)

    def _start_on_selected(self, flow: Callable[[ContactRow], Any]) -> None:
        """Start ``flow`` for the highlighted contact (a warning when there is none)."""
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
            self.app.key_hold.hold()
            flow(row)

    async def popup_then_write(
        self,
        popup: Callable[[Any], Screen],
        write: Callable[[Any], Any],
        *,
        draft: Any = None,
        check: Optional[Callable[[Any], Awaitable[Optional[bool]]]] = None,
        failed: Optional[Callable[[Any, BaseException], Awaitable[Any]]] = None,
        retry: bool = True,
        expected: tuple[type[BaseException], ...] = (),
    ) -> Optional[tuple[Any, Any]]:
        """Open ``popup(draft)``, await its answer, run ``write(answer)`` in a thread worker.

        (answer, value written), or None when the popup was cancelled (None or
        False: a Confirm's no) or the flow ended. ``check(answer)``, between the
        popup and the write, may ask more: True writes, False reopens the popup
        with what was typed, None ends the flow. After a failed write (already
        reported) the popup reopens with ``answer.draft``, showing the error in
        the form, or ``failed(answer, error)`` says with what (``STOP`` ends the
        flow, ``RETRY`` writes again without the popup); with ``retry`` false
        the flow ends. Errors of the ``expected`` types are not reported: they
        go to ``failed``, which asks about them.
        """
        problems: list[str] = []
        while True:
            screen = popup(draft)
            if problems and hasattr(screen, "initial_problems"):
                screen.initial_problems = problems
            problems = []
            answer = await self.app.push_screen_wait(screen)
            if answer is None or answer is False:
                return None
            if check is not None:
                verdict = await check(answer)
                if verdict is None:
                    return None
                if not verdict:
                    draft = answer.draft
                    continue
            while True:
                ok, value = await self._write_once(write, answer, expected)
                if ok:
                    return answer, value
                if failed is None:
                    if not retry:
                        return None
                    draft = answer.draft
                    break
                draft = await failed(answer, value)
                if draft is STOP:
                    return None
                if draft is not RETRY:
                    break
            if isinstance(value, RelTermError):
                problems = [str(value)]

    async def _write_once(self, write: Callable[[Any], Any], answer: Any,
                          expected: tuple[type[BaseException], ...]) -> tuple[bool, Any]:
        """(True, value written) or (False, error); an error of the ``expected`` types is not reported."""
        if not expected:
            return await self.run_db(write, answer)

        def attempt(answer: Any) -> tuple[bool, Any]:
            try:
                return True, write(answer)
            except expected as exc:
                return False, exc

        ok, value = await self.run_db(attempt, answer)
        return value if ok else (False, value)

    # Adding and editing ---------------------------------------------------------------------

    def _find_ids(self, name: str) -> list[int]:
        wanted = name.strip().casefold()
        return [row.id for row in self.store.rows if row.name.casefold() == wanted]

    def action_add_contact(self) -> None:
        self._start(self.add_flow)

    @work(exit_on_error=False, group="flow")
    async def add_flow(self) -> None:
        """The quick-add popup, then the add. A name someone already has (case and accents aside, checked
        by the core inside the write) asks first, naming them: yes adds a second one, no returns to the form."""
        from ..errors import DuplicateNameError
        from .modals.confirm import Confirm
        from .modals.contact_form import ContactForm

        key = self.ladder_key
        second = False  # the user said yes to a second contact of the same name

        async def failed(result, error: BaseException) -> Any:
            nonlocal second
            if not isinstance(error, DuplicateNameError):
                return result.draft
            ok, rows = await self.run_db(self.core.rows, ladder=key, ids=[cid for cid, _ in error.existing])
            question = self._same_name_question(result.name, error.existing, rows if ok else [])
            if await self.app.push_screen_wait(Confirm(question, yes="add a second one", enter_confirms=False)):
                second = True
                return RETRY
            return result.draft

        saved = await self.popup_then_write(
            lambda draft: ContactForm(self.config, key, self.store.names, self._find_ids, draft=draft,
                                      first_name=self.store.first_name_starting),
            lambda result: self.core.add_contact(
                result.name, level=result.rank, ladder=key, sphere=result.sphere, company=result.company,
                email=result.email, introduced_by=result.introduced_by_id, new_name_only=not second,
            ),
            failed=failed, expected=(DuplicateNameError,),
        )
        if saved is None:
            return
        result, contact_id = saved
        self.notify(Text.assemble("Added ", result.name, f" at {self.ladder.label(result.rank)}.").plain,
                    markup=False, timeout=3)
        self.post_message(messages.ContactAdded(contact_id))

    def _same_name_question(self, name: str, existing: list[tuple[int, str]], rows: list[ContactRow]) -> Text:
        """The question when the name is taken: "Sarah Whitfield already exists (Acme, 3 Conversant). Add ..."."""
        by_id = {row.id: row for row in rows}

        def about(cid: int) -> str:
            row = by_id.get(cid)
            if row is None:
                return f"id {cid}"
            rung = self.ladder.label(row.rank) if row.rank is not None else f"not on the {self.ladder_key} ladder"
            return ", ".join(part for part in (row.company, rung) if part)

        question = Text()
        if len(existing) == 1:
            cid, other = existing[0]
            question.append(other, Style(bold=True))
            question.append(f" already exists ({about(cid)}).")
        else:
            shown = existing[:5]
            for index, (cid, other) in enumerate(shown):
                if index:
                    question.append(" and " if index == len(shown) - 1 and len(existing) <= 5 else ", ")
                question.append(other, Style(bold=True))
                question.append(f" ({about(cid)})")
            if len(existing) > 5:
                question.append(f" and {len(existing) - 5} more")
            question.append(" already exist.")
        question.append(f" Add {'a second' if len(existing) == 1 else 'another'} ")
        question.append(name)
        question.append("?\n\nNo returns to the form; two that are one person can be merged later (m marks, ")
        question.append("J merges).")
        return question

    def action_edit_contact(self) -> None:
        self._start_on_selected(lambda row: self.edit_flow(row.id))

    @work(exit_on_error=False, group="flow")
    async def edit_flow(self, contact_id: int) -> None:
        """The edit popup, then a write of only the fields the user changed.

        The card's version goes with the write: when the contact changed since the popup opened
        (the command line, another window), nothing is written and the user is asked whether to
        reload it, with their own changes kept on top of the stored details.
        """
        from ..errors import ConflictError
        from .modals.confirm import Confirm
        from .modals.contact_form import ContactForm

        ok, card = await self.run_db(self.core.card, contact_id)
        if not ok:
            return
        opened = self._edit_draft(card)
        changes: tuple[dict, Optional[int]] = ({}, None)

        async def check(result) -> Optional[bool]:
            nonlocal changes
            changes = self._edit_changes(card, opened, result)
            if not changes[0] and changes[1] is None:
                self.notify("Nothing changed.", markup=False, timeout=3)
                return None
            return True

        async def failed(result, error: BaseException) -> Any:
            nonlocal card, opened
            if not isinstance(error, ConflictError):
                return result.draft
            question = Text.assemble(
                card.name, " changed since this popup opened (on the command line or in another window); "
                "nothing was saved.\n\nReload it? It then shows the stored details, with your changes on top.",
            )
            if not await self.app.push_screen_wait(Confirm(question, yes="reload")):
                return result.draft
            ok, fresh = await self.run_db(self.core.card, contact_id)
            if not ok:
                return STOP
            reopened = self._edit_draft(fresh)
            draft = replace(reopened, **{f.name: getattr(result.draft, f.name) for f in fields_of(opened)
                                         if getattr(result.draft, f.name) != getattr(opened, f.name)})
            card, opened = fresh, reopened
            self.post_message(messages.ContactEdited(contact_id))
            return draft

        saved = await self.popup_then_write(
            lambda draft: ContactForm(self.config, self.ladder_key, self.store.names, self._find_ids, draft=draft,
                                      first_name=self.store.first_name_starting,
                                      editing=contact_id, title="Edit contact"),
            lambda result: self._save_edit(contact_id, card.version, *changes),
            draft=opened, check=check, failed=failed,
        )
        if saved is None:
            return
        self.notify(f"Saved {saved[0].name}.", markup=False, timeout=3)
        self.post_message(messages.ContactEdited(contact_id))

    def _edit_draft(self, card: Card) -> ContactDraft:
        from .modals.contact_form import ContactDraft, cadence_text

        rank = card.ranks.get(self.ladder_key)
        return ContactDraft(
            name=card.name, level=self.ladder.label(rank) if rank is not None else "", sphere=card.sphere,
            company=card.company, email=card.email, introduced_by=card.introduced_by or "", url=card.url,
            title=card.title, phone=card.phone, tags=", ".join(card.tags), birthday=card.birthday or "",
            cadence=cadence_text(card.cadence_days),
            review_every=str(card.review_every_days) if card.review_every_days else "", notes=card.notes,
        )

    def _edit_changes(self, card: Card, opened: ContactDraft, result) -> tuple[dict, Optional[int]]:
        """The fields the user changed in the popup (compared with what it showed), and the new rank or None."""
        typed = result.draft
        fields: dict = {}
        for name, value in (("name", result.name), ("sphere", result.sphere), ("company", result.company),
                            ("email", result.email), ("url", result.url), ("title", result.title), ("phone", result.phone),
                            ("tags", list(result.tags)), ("cadence_days", result.cadence),
                            ("review_every", result.review_every), ("birthday", typed.birthday.strip()),
                            ("notes", typed.notes)):
            shown = {"cadence_days": "cadence", "review_every": "review_every"}.get(name, name)
            if getattr(typed, shown) != getattr(opened, shown):
                fields[name] = value
        if typed.introduced_by.strip() != opened.introduced_by.strip():
            fields["introduced_by"] = result.introduced_by_id if typed.introduced_by.strip() else None
        rank = None
        if typed.level != opened.level and result.rank != card.ranks.get(self.ladder_key):
            rank = result.rank
        return fields, rank

    def _save_edit(self, contact_id: int, version: str, fields: dict, rank: Optional[int]) -> None:
        """One transaction: the version check, the changed fields, the review schedule, the level change."""
        from .. import store
        from ..dates import read_birthday

        fields = dict(fields)
        review = fields.pop("review_every", False)
        if "birthday" in fields:
            fields["birthday"] = read_birthday(fields["birthday"])
        with store.write(self.core.db):
            self.core.edit_contact(contact_id, if_version=version, **fields)
            if review is not False:
                self.core.intel.schedule_review(contact_id, review)
            if rank is not None:
                self.core.change_level(contact_id, ladder=self.ladder_key, to=rank, reason="edited")

    # Logging, names and reviews ---------------------------------------------------------

    def action_log_interaction(self) -> None:
        self._start_on_selected(lambda row: self.log_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def log_flow(self, contact_id: int, name: str) -> None:
        await self.run_log(contact_id, name)

    async def run_log(self, contact_id: int, name: str, *, contact: bool = False) -> Optional[int]:
        """The log popup, then the write; the new event's id, or None when nothing was logged.

        Runs inside a flow worker (this screen's or a view's). An ask too early
        for the contact's level shows the warning and needs a second yes; then it
        is logged with the warning kept on the event. A no reopens the popup with
        what was typed. With ``contact`` (getting in touch from the agenda) the
        kind offered is one that counts as contact (relterm.rules).
        """
        from .modals.confirm import Confirm
        from .modals.log_form import LogDraft, LogForm

        kind = self.last_kind
        if contact and not rules.counts_as_contact(self.config, kind):
            kind = next(iter(rules.contact_kinds(self.config)), kind)
        force = False

        async def check(result) -> bool:
            nonlocal force
            force = False
            if self.config.kind(result.kind).direction != "ask":
                return True
            ok, warning = await self.run_db(self.core.ask_warning, contact_id, result.kind)
            if not ok:
                return False
            if warning:
                question = Text.assemble((warning, Style(bold=True)), "\n\nLog this ", result.kind, " with ")
                question.append(name)
                question.append(" anyway? The warning is kept with the entry.")
                if not await self.app.push_screen_wait(
                    Confirm(question, yes=f"log the {result.kind}", enter_confirms=False)
                ):
                    return False
                force = True
            return True

        saved = await self.popup_then_write(
            lambda draft: LogForm(self.config, name, draft=draft, first_name=self.store.first_name_starting),
            lambda result: self.core.log(
                contact_id, result.kind, result.note, date=result.date, force=force, went_badly=result.went_badly,
                # Who else was there: the one contact the name means, as `relterm log --with` finds them.
                other=self.core.resolve(result.with_name) if result.with_name else None),
            draft=LogDraft(kind=kind), check=check,
        )
        if saved is None:
            return None
        result, event_id = saved
        self.last_kind = result.kind
        together = f" (with {result.with_name})" if result.with_name else ""
        said = f"Logged {result.kind} with {name}{together} on {result.date.isoformat()}."
        if not rules.counts_as_contact(self.config, result.kind):
            said += f" A {result.kind} is not contact: the keep-in-touch date stays."
        if result.went_badly:
            said += " It went badly."
        self.notify(said, markup=False, timeout=4)
        self.post_message(messages.InteractionLogged(contact_id, event_id))
        if result.went_badly:
            await self.offer_ripple(self.core.intel.ripple_for_event, event_id)
        if rules.asks_for_names(self.config, result.kind, result.went_badly):
            # The end of a coffee: "who else should I meet?" The names popup at once; escape skips it.
            await self.run_names(contact_id, name, after_meeting=True)
        return event_id

    async def offer_ripple(self, find: Callable[..., Any], *args: Any) -> int:
        """After a demotion or an interaction that went badly: ``find(*args)`` (in a thread) says who else
        is touched (relterm.ripple); the popup lists them and asks before adding a follow-up with each.
        Nothing changes on them but the follow-ups added on a yes; returns how many were."""
        from .modals.ripple_prompt import RipplePrompt

        ok, ripple = await self.run_db(find, *args)
        if not ok or ripple is None:
            return 0
        if not await self.app.push_screen_wait(RipplePrompt(self.config, ripple)):
            return 0
        waiting = [item for item in ripple.touched if item.open_follow_up is None]
        if not waiting:
            return 0
        ok, _ = await self.run_db(self._add_follow_ups, ripple, waiting)
        if not ok:
            return 0
        names = ", ".join(item.name for item in waiting)
        self.notify(f"Added a follow-up with {names} to the agenda (A).", markup=False, timeout=4)
        return len(waiting)

    def _add_follow_ups(self, ripple, waiting) -> list[int]:
        """One transaction: a follow-up with each person touched, about the person the ripple came from."""
        from .. import store
        from ..present import ripple_reason

        reason = ripple_reason(self.config, ripple)
        with store.write(self.core.db):
            return [self.core.intel.add_follow_up(item.contact_id, about=ripple.contact_id, reason=reason,
                                                  trigger=ripple.trigger, event_id=ripple.event.id)[0]
                    for item in waiting]

    def action_give_names(self) -> None:
        self._start_on_selected(lambda row: self.names_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def names_flow(self, contact_id: int, name: str) -> None:
        await self.run_names(contact_id, name)

    async def run_names(self, contact_id: int, name: str, *, after_meeting: bool = False) -> None:
        """The names popup, then the write. The popup shows, as names are typed, which existing contact
        each one links to (``core.intel.preview_names``, in a thread)."""
        # Imported here: the popup's TextArea costs ~15 ms at start, for a popup seldom opened.
        from .modals.names_form import NamesForm

        saved = await self.popup_then_write(
            lambda draft: NamesForm(name, draft=draft, after_meeting=after_meeting,
                                    preview=self.core.intel.preview_names),
            lambda result: self.core.intel.introduce_many(contact_id, result.lines, date=result.date),
        )
        if saved is None:
            return
        _, recorded = saved
        new = sum(1 for r in recorded if r.created)
        known = len(recorded) - new
        text = f"{name} gave you {len(recorded)} name{'s' if len(recorded) != 1 else ''}: {new} new to contact"
        text += f", {known} already known." if known else "."
        self.notify(text, markup=False, timeout=4)
        self.post_message(messages.NamesRecorded(contact_id, tuple(r.contact_id for r in recorded)))

    def action_who_knows(self) -> None:
        self._start_on_selected(lambda row: self.who_knows_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def who_knows_flow(self, contact_id: int, name: str) -> None:
        """Who knows the contact and every chain to them, read in a thread, in a popup (nothing written)."""
        from .modals.who_knows import WhoKnowsPopup

        intel = self.core.intel
        # The popup opens at once, saying it is reading; the ways in fill it when the thread returns.
        popup = WhoKnowsPopup(name, [], None, self.config.ladders[self.config.default_ladder])
        closed = self.app.push_screen(popup, wait_for_dismiss=True)
        ok, found = await self.run_db(lambda: (intel.who_knows(contact_id), intel.paths(contact_id)))
        if not ok:
            if popup.is_attached:
                popup.dismiss(None)
        else:
            popup.fill(*found)
        await closed

    def action_show_brief(self) -> None:
        self._start_on_selected(lambda row: self.brief_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def brief_flow(self, contact_id: int, name: str) -> None:
        """The brief of the contact (``relterm brief``), read in a thread, shown in a scrolling screen."""
        from ..present import brief_lines
        from .screens.brief import BriefScreen

        ok, brief = await self.run_db(self.core.intel.brief, contact_id)
        if not ok:
            return
        await self.app.push_screen_wait(BriefScreen(brief.name, brief_lines(self.config, brief)))

    def action_review(self) -> None:
        self._start_on_selected(lambda row: self.review_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def review_flow(self, contact_id: int, name: str) -> None:
        await self.run_review(contact_id, name)

    async def run_review(self, contact_id: int, name: str) -> Optional[int]:
        """The review popup, then the writes; the review event's id (0: only the schedule changed) or None."""
        # Imported here: the popup's questions live in relterm.intel, which the app needs only now.
        from .modals.review_form import ReviewForm

        ok, card = await self.run_db(self.core.card, contact_id)
        if not ok:
            return None
        due = card.review_due.isoformat() if card.review_due else None
        saved = await self.popup_then_write(
            lambda draft: ReviewForm(name, current_every=card.review_every_days, review_due=due, draft=draft),
            partial(self._save_review, contact_id),
        )
        if saved is None:
            return None
        result, (event_id, next_due) = saved
        if event_id:
            text = f"Recorded the review of {name}."
            text += f" Next review due {next_due.isoformat()}." if next_due else ""
            self.notify(text, markup=False, timeout=4)
            self.post_message(messages.InteractionLogged(contact_id, event_id))
        else:
            self.notify(f"Reviewing {name} every {result.every} days; the next review is due "
                        f"{next_due.isoformat()}." if next_due else f"Stopped the reviews of {name}.",
                        markup=False, timeout=4)
            self.post_message(messages.ContactEdited(contact_id))
        return event_id

    def _save_review(self, contact_id: int, result) -> tuple[int, Any]:
        """Schedule (when the popup changed it) and record the answers, in one transaction."""
        from .. import store

        with store.write(self.core.db):
            next_due = None
            if result.every is not None:
                next_due = self.core.intel.schedule_review(contact_id, result.every)
            if not result.answered:
                return 0, next_due
            return self.core.intel.record_review(
                contact_id, keep=result.keep, stop=result.stop, start=result.start, date=result.date
            )

    # Levels --------------------------------------------------------------------------------

    def action_promote(self) -> None:
        self._start_on_selected(partial(self._step, 1))

    def action_demote(self) -> None:
        self._start_on_selected(partial(self._step, -1))

    def _step(self, step: int, row: ContactRow) -> None:
        ladder = self.ladder
        if row.rank is None:
            if step < 0:
                self.notify(f"{row.name} is not on the {self.ladder_key} ladder.", severity="warning", markup=False)
                return
            target = ladder.default_rank
        else:
            target = ladder.next_rank(row.rank, step)
        if target is None:
            edge = "top" if step > 0 else "bottom"
            self.notify(f"{row.name} is on the {edge} rung ({ladder.label(row.rank)}).", severity="warning",
                        markup=False)
            return
        self.level_flow(row.id, row.name, row.rank, target)

    def action_move_level(self) -> None:
        self._start_on_selected(lambda row: self.level_flow(row.id, row.name, row.rank, None))

    def _suggested(self, contact_id: int, current: Optional[int]) -> Optional[Suggested]:
        from .modals.level_form import Suggested

        action = self.store.suggested.get(contact_id)
        if action is None or current is None:
            return None
        if action == "promote":
            return Suggested(action, self.ladder.next_rank(current, 1), "every criterion of the next rung is met")
        over = -self.store.urgency.get(contact_id, 0)
        reason = f"{over} days past the keep-in-touch date" if over > 0 else "long without contact"
        return Suggested(action, self.ladder.next_rank(current, -1), reason)

    @work(exit_on_error=False, group="flow")
    async def level_flow(self, contact_id: int, name: str, current: Optional[int], target: Optional[int]) -> None:
        from .modals.level_form import LevelForm

        key = self.ladder_key
        upward = target is None or current is None or target > current
        evidence = (lambda: self.core.intel.evidence(contact_id, ladder=key)) if upward else None  # in a thread
        form = LevelForm(self.ladder, key, name, current, target, evidence=evidence,
                         suggestion=self._suggested(contact_id, current))
        saved = await self.popup_then_write(
            lambda _: form,
            lambda result: self.core.change_level(contact_id, ladder=key, to=result.rank, reason=result.reason),
            retry=False,
        )
        if saved is None:
            return
        before, after = saved[1]
        verb = "Promoted" if before is None or after > before else "Demoted"
        self.notify(f"{verb} {name}: {self.ladder.label(before)} -> {self.ladder.label(after)}", markup=False,
                    timeout=3)
        self.post_message(messages.LevelChanged(contact_id, key, before, after))
        if before is not None and after < before:
            await self.offer_ripple(self.core.intel.ripple_after_level_change, contact_id, key)

    # Files ------------------------------------------------------------------------------------

    def action_import_contacts(self) -> None:
        self._start(self.import_flow)

    @work(exit_on_error=False, group="flow")
    async def import_flow(self) -> None:
        """The file popup, then the import with a progress popup; a failed import offers the popup again."""
        # Imported here: relterm.io and the file picker cost ~60 ms at start, for a popup seldom opened.
        from pathlib import Path

        from ..io import run_import
        from .modals.import_form import ImportForm, ImportProgress

        progress: Optional[ImportProgress] = None

        def report(done: int, total: int) -> None:
            # Progress while the import runs (not its result): drawn by the UI thread.
            self.app.call_from_thread(progress.advance, done, total)

        async def check(request) -> bool:
            nonlocal progress
            progress = ImportProgress(request.path)
            await self.app.push_screen(progress)
            return True

        async def failed(request, error: BaseException) -> tuple[str, str]:
            # The error is on screen as a notification; nothing was written. Try another file.
            await progress.dismiss(None)
            return str(request.path), request.format

        saved = await self.popup_then_write(
            lambda draft: ImportForm(Path.cwd(), path=draft[0], format=draft[1]),
            lambda request: run_import(self.core, request.path, format=request.format, progress=report),
            draft=("", "auto"), check=check, failed=failed,
        )
        if saved is None:
            return
        summary = saved[1]
        progress.show_summary(summary)
        self.notify(clean_for_terminal(summary.lines(limit=0)[0]), markup=False, timeout=5)
        self.load_rows(select=self.selected_id)
        if self.query_one(Pyramid).history_shown:
            self.load_history(self.ladder_key)

    def action_export_contacts(self) -> None:
        self._start(self.export_flow)

    @work(exit_on_error=False, group="flow")
    async def export_flow(self) -> None:
        from pathlib import Path

        from ..io import export
        from .modals.import_form import ExportForm

        # The contacts shown when the popup opens: the rows (a copy of the list of pointers, as a write
        # can change the list in place) and the indices shown; their 100k ids are picked in the thread.
        rows, shown = list(self.store.rows), self.store.indices
        saved = await self.popup_then_write(
            lambda _: ExportForm(Path.cwd(), shown=len(shown), total=len(rows)),
            lambda request: export(self.core, request.format, request.path,
                                   ids=None if request.everyone else [rows[i].id for i in shown]),
            retry=False,
        )
        if saved is not None:
            request, (_, count) = saved
            whom = "everyone: " if request.everyone else "the ones shown: "
            self.notify(f"Exported {whom}{count} contacts to {request.path} ({request.format}).", markup=False,
                        timeout=5)

    # Archive and undo ------------------------------------------------------------------------

    def action_archive(self) -> None:
        self._start_on_selected(lambda row: self.archive_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def archive_flow(self, contact_id: int, name: str) -> None:
        from .modals.confirm import Confirm

        question = Text("Archive ")
        question.append(name, Style(bold=True))
        question.append("?\nThey leave the list; their timeline is kept, and the archive (V) brings them back.")
        saved = await self.popup_then_write(
            lambda _: Confirm(question, yes="archive"),
            lambda _: self.core.archive(contact_id),
            retry=False,
        )
        if saved is None:
            return
        self._undo = (contact_id, name, time.monotonic() + UNDO_SECONDS)
        self.notify(f"Archived {name}. Press u to undo (later: V, the archive).", markup=False, timeout=UNDO_SECONDS)
        self.post_message(messages.ContactArchived(contact_id, name))

    def action_undo(self) -> None:
        if self._flow_open():
            return
        if self._undo is None or time.monotonic() > self._undo[2]:
            self._undo = None
            self.notify("Nothing to undo.", severity="warning", timeout=2)
            return
        contact_id, name, _ = self._undo
        self._undo = None
        self.undo_flow(contact_id, name)

    @work(exit_on_error=False, group="flow")
    async def undo_flow(self, contact_id: int, name: str) -> None:
        ok, _ = await self.run_db(self.core.restore, contact_id)
        if ok:
            self.notify(f"Restored {name}.", markup=False, timeout=3)
            self.post_message(messages.ContactRestored(contact_id))

    # Merging duplicates ----------------------------------------------------------------------

    def action_mark_for_merge(self) -> None:
        """Mark or unmark the highlighted contact; with two marked, J previews merging them."""
        row = self._selected_row()
        if row is None:
            return
        marks = self.merge_marks
        if row.id in marks:
            marks.remove(row.id)
            said = f"Unmarked {row.name}."
        else:
            if len(marks) >= 2:
                marks.pop(0)  # the older mark gives way: two at most
            marks.append(row.id)
            said = (f"Marked {row.name}; mark the other one (m), then J previews the merge." if len(marks) == 1
                    else f"Marked {row.name}: J previews merging them (the first marked is kept).")
        self.query_one(ContactList).set_merge_marks(set(marks))
        self.notify(said, markup=False, timeout=3)

    def action_merge_marked(self) -> None:
        if self._flow_open():
            return
        if len(self.merge_marks) != 2:
            self.notify(f"Mark two contacts with m first ({len(self.merge_marks)} marked).", severity="warning",
                        markup=False)
            return
        self.merge_flow(*self.merge_marks)

    @work(exit_on_error=False, group="flow")
    async def merge_flow(self, keep: int, other: int) -> None:
        await self.run_merge(keep, other)

    async def run_merge(self, keep: int, other: int) -> bool:
        """The merge preview (``merge.plan_merge``), then the merge on y; s shows it the other way round.

        True when merged. The notification says how to undo it."""
        from .. import merge as merging
        from ..present import merge_preview_lines
        from .modals.merge_form import MergePreview

        ok, plan = await self.run_db(merging.plan_merge, self.core, keep, other)
        if not ok:
            return False

        async def check(answer) -> bool:
            nonlocal plan
            if not answer.swap:
                return True
            ok, fresh = await self.run_db(merging.plan_merge, self.core, plan.other_id, plan.keep_id)
            if ok:
                plan = fresh
            return False  # the preview again, the other way round

        saved = await self.popup_then_write(
            lambda _: MergePreview(merge_preview_lines(self.config, plan), (plan.keep_id, plan.other_id)),
            lambda answer: merging.merge(self.core, *answer.draft),
            check=check, retry=False,
        )
        if saved is None:
            return False
        done = saved[1]
        self.merge_marks.clear()
        self.query_one(ContactList).set_merge_marks(set())
        self.notify(f"Merged {done.other_name} into {done.keep_name}. U undoes it (\"Undo merge\" in ctrl+p), "
                    "until the next merge.", markup=False, timeout=UNDO_SECONDS)
        self.post_message(messages.ContactArchived(done.other_id, done.other_name))
        self.post_message(messages.ContactEdited(done.keep_id))
        return True

    def action_undo_merge(self) -> None:
        self._start(self.undo_merge_flow)

    @work(exit_on_error=False, group="flow")
    async def undo_merge_flow(self) -> None:
        from .. import merge as merging
        from .modals.confirm import Confirm

        ok, last = await self.run_db(merging.last_merge, self.core)
        if not ok:
            return
        if last is None:
            self.notify("No merge to undo (only the last merge can be undone, once).", severity="warning",
                        markup=False)
            return
        keep_id, keep_name, other_id, other_name = last
        question = Text.assemble(
            "Undo the merge of ", (other_name, Style(bold=True)), f" (id {other_id}) into ",
            (keep_name, Style(bold=True)), f" (id {keep_id})?\nBoth come back as they were before it; "
            f"entries logged with {keep_name} since then stay with them.",
        )
        saved = await self.popup_then_write(
            lambda _: Confirm(question, yes="undo the merge"),
            lambda _: merging.undo_merge(self.core),
            retry=False,
        )
        if saved is None:
            return
        self.notify(f"Undid the merge: {keep_name} and {other_name} are as they were.", markup=False, timeout=5)
        self.post_message(messages.ContactEdited(keep_id))
        self.post_message(messages.ContactRestored(other_id))

    def action_find_duplicates(self) -> None:
        self._start(self.duplicates_flow)

    @work(exit_on_error=False, group="flow")
    async def duplicates_flow(self) -> None:
        """Likely duplicates in a popup; a pair opens in the merge preview, and a cancelled preview returns to
        the list."""
        from .. import merge as merging
        from .modals.merge_form import DuplicatesList

        while True:
            count = len(self.store.rows)
            if count >= SLOW_SEARCH_ROWS:  # seconds at 100k: say so at once rather than seem to ignore the key
                self.notify(f"Looking for likely duplicates among {count:,} contacts…", markup=False, timeout=30)
            ok, pairs = await self.run_db(merging.find_duplicates, self.core)
            if not ok:
                return
            if count >= SLOW_SEARCH_ROWS:
                # The search left a large heap behind: collected now, while the user waits for its answer
                # anyway, not in the middle of their next key (escape took over half a second at 100k).
                self.app.collector.tidy()
            if not pairs:
                self.notify("No likely duplicates: no shared email or phone, no same or near-identical names.",
                            markup=False, timeout=4)
                return
            chosen = await self.app.push_screen_wait(DuplicatesList(pairs))
            if chosen is None or await self.run_merge(*chosen):
                return

    # Fixing the timeline -----------------------------------------------------------------------

    def _highlighted_entry(self):
        from .widgets.timeline import Timeline

        entry = self.query_one(Timeline).highlighted
        if entry is None:
            self.notify("No timeline entry to fix: tab to the timeline and highlight one.", severity="warning",
                        markup=False)
        return entry

    def _entry_line(self, entry) -> str:
        kind = "level" if entry.is_level_change else entry.kind
        return f"{entry.date.isoformat()} {kind}: {self._describe(entry)}".rstrip(": ")

    def _entry_owner(self, entry) -> str:
        return self.card.name if self.card is not None and self.card.id == entry.contact_id else "the contact"

    def action_edit_entry(self) -> None:
        if self._flow_open():
            return
        entry = self._highlighted_entry()
        if entry is not None:
            self.edit_entry_flow(entry, self._entry_owner(entry))

    @work(exit_on_error=False, group="flow")
    async def edit_entry_flow(self, entry, name: str) -> None:
        """The entry popup, then ``core.edit_event`` with what changed; the core's rules for level changes
        (re-dating re-chains the ladder) apply, and their errors are reported."""
        from ..rules import INTRODUCED_BY
        from .modals.entry_form import EntryDraft, EntryForm

        opened = EntryDraft(entry.date.isoformat(), entry.kind,
                            (entry.reason or "") if entry.is_level_change else entry.summary)

        async def check(result) -> Optional[bool]:
            if result.draft == opened:
                self.notify("Nothing changed.", markup=False, timeout=3)
                return None
            return True

        def write(result):
            typed = result.draft
            return self.core.edit_event(
                entry.id,
                date=result.date if typed.date != opened.date else None,
                kind=result.kind if typed.kind != opened.kind else None,
                summary=result.text if typed.text != opened.text else None,
            )

        saved = await self.popup_then_write(
            lambda draft: EntryForm(self.config, name, draft=draft,
                                    fixed_kind=entry.is_level_change or entry.kind == INTRODUCED_BY),
            write, draft=opened, check=check,
        )
        if saved is None:
            return
        after = saved[1]
        self.notify(f"Changed {name}'s entry: {self._entry_line(after)}. u on the timeline undoes it.",
                    markup=False, timeout=UNDO_SECONDS)
        self.post_message(messages.ContactEdited(entry.contact_id))

    def action_delete_entry(self) -> None:
        if self._flow_open():
            return
        entry = self._highlighted_entry()
        if entry is not None:
            self.delete_entry_flow(entry, self._entry_owner(entry))

    @work(exit_on_error=False, group="flow")
    async def delete_entry_flow(self, entry, name: str) -> None:
        from .modals.confirm import Confirm

        question = Text.assemble("Delete this entry from ", (name, Style(bold=True)), "'s timeline?\n\n",
                                 (self._entry_line(entry), Style(bold=True)))
        if entry.is_level_change:
            question.append("\n\nThe level follows the latest remaining level change.")
        saved = await self.popup_then_write(
            lambda _: Confirm(question, yes="delete it", enter_confirms=False),
            lambda _: self.core.remove_event(entry.id),
            retry=False,
        )
        if saved is None:
            return
        self.notify(f"Deleted {name}'s entry: {self._entry_line(entry)}. u on the timeline brings it back.",
                    markup=False, timeout=UNDO_SECONDS)
        self.post_message(messages.ContactEdited(entry.contact_id))

    def action_undo_entry(self) -> None:
        self._start(self.undo_entry_flow)

    @work(exit_on_error=False, group="flow")
    async def undo_entry_flow(self) -> None:
        ok, value = await self.run_db(self.core.undo_event_change)
        if not ok:
            return
        action, entry = value
        ok, card = await self.run_db(self.core.card, entry.contact_id)
        name = card.name if ok else "the contact"
        what = "Restored" if action == "delete" else "Undid the edit of"
        self.notify(f"{what} {name}'s entry: {self._entry_line(entry)}.", markup=False, timeout=5)
        self.post_message(messages.ContactEdited(entry.contact_id))
