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
from ..sanitize import clean_for_terminal
from . import messages
from .widgets.pyramid import Pyramid

if TYPE_CHECKING:
    from .modals.contact_form import ContactDraft
    from .modals.level_form import Suggested

UNDO_SECONDS = 8.0
# Returned by a flow's ``failed`` step: end the flow instead of reopening the popup.
STOP = object()


class FlowsPart(Screen):
    """Adding, editing, logging, names, reviews, levels, import, export, archive and undo (a Screen subclass so
    that Textual registers its handlers)."""

    # The shape of every flow ----------------------------------------------------------------

    def _flow_open(self) -> bool:
        """Whether a popup flow is already under way (keys typed ahead must not open a second one)."""
        return any(worker.group == "flow" and not worker.is_finished for worker in self.workers)

    def _start(self, flow: Callable[..., Any], *args: Any) -> None:
        if not self._flow_open():
            flow(*args)

    def _start_on_selected(self, flow: Callable[[ContactRow], Any]) -> None:
        """Start ``flow`` for the highlighted contact (a warning when there is none)."""
        if self._flow_open():
            return
        row = self._selected_row()
        if row is not None:
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
    ) -> Optional[tuple[Any, Any]]:
        """Open ``popup(draft)``, await its answer, run ``write(answer)`` in a thread worker.

        (answer, value written), or None when the popup was cancelled (None or
        False: a Confirm's no) or the flow ended. ``check(answer)``, between the
        popup and the write, may ask more: True writes, False reopens the popup
        with what was typed, None ends the flow. After a failed write (already
        reported) the popup reopens with ``answer.draft``, or ``failed(answer,
        error)`` says with what (``STOP`` ends the flow); with ``retry`` false
        the flow ends.
        """
        while True:
            answer = await self.app.push_screen_wait(popup(draft))
            if answer is None or answer is False:
                return None
            if check is not None:
                verdict = await check(answer)
                if verdict is None:
                    return None
                if not verdict:
                    draft = answer.draft
                    continue
            ok, value = await self.run_db(write, answer)
            if ok:
                return answer, value
            if failed is not None:
                draft = await failed(answer, value)
                if draft is STOP:
                    return None
            elif retry:
                draft = answer.draft
            else:
                return None

    # Adding and editing ---------------------------------------------------------------------

    def _find_ids(self, name: str) -> list[int]:
        wanted = name.strip().casefold()
        return [row.id for row in self.store.rows if row.name.casefold() == wanted]

    def action_add_contact(self) -> None:
        self._start(self.add_flow)

    @work(exit_on_error=False, group="flow")
    async def add_flow(self) -> None:
        from .modals.contact_form import ContactForm

        key = self.ladder_key
        saved = await self.popup_then_write(
            lambda draft: ContactForm(self.config, key, self.store.names, self._find_ids, draft=draft),
            lambda result: self.core.add_contact(
                result.name, level=result.rank, ladder=key, sphere=result.sphere, company=result.company,
                email=result.email, introduced_by=result.introduced_by_id,
            ),
        )
        if saved is None:
            return
        result, contact_id = saved
        self.notify(Text.assemble("Added ", result.name, f" at {self.ladder.label(result.rank)}.").plain,
                    markup=False, timeout=3)
        self.post_message(messages.ContactAdded(contact_id))

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
                                      editing=contact_id, title="Edit contact"),
            lambda result: self._save_edit(contact_id, card.version, *changes),
            draft=opened, check=check, failed=failed,
        )
        if saved is None:
            return
        self.notify(f"Saved {saved[0].name}.", markup=False, timeout=3)
        self.post_message(messages.ContactEdited(contact_id))

    def _edit_draft(self, card: Card) -> ContactDraft:
        from .modals.contact_form import ContactDraft

        rank = card.ranks.get(self.ladder_key)
        return ContactDraft(
            name=card.name, level=self.ladder.label(rank) if rank is not None else "", sphere=card.sphere,
            company=card.company, email=card.email, introduced_by=card.introduced_by or "",
        )

    def _edit_changes(self, card: Card, opened: ContactDraft, result) -> tuple[dict, Optional[int]]:
        """The fields the user changed in the popup (compared with what it showed), and the new rank or None."""
        typed = result.draft
        fields: dict = {}
        for name, value in (("name", result.name), ("sphere", result.sphere), ("company", result.company),
                            ("email", result.email)):
            if getattr(typed, name) != getattr(opened, name):
                fields[name] = value
        if typed.introduced_by.strip() != opened.introduced_by.strip():
            fields["introduced_by"] = result.introduced_by_id if typed.introduced_by.strip() else None
        rank = None
        if typed.level != opened.level and result.rank != card.ranks.get(self.ladder_key):
            rank = result.rank
        return fields, rank

    def _save_edit(self, contact_id: int, version: str, fields: dict, rank: Optional[int]) -> None:
        """One transaction: the version check, the changed fields, the level change."""
        from .. import store

        with store.write():
            self.core.edit_contact(contact_id, if_version=version, **fields)
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
            lambda draft: LogForm(self.config, name, draft=draft),
            lambda result: self.core.log(contact_id, result.kind, result.note, date=result.date, force=force),
            draft=LogDraft(kind=kind), check=check,
        )
        if saved is None:
            return None
        result, event_id = saved
        self.last_kind = result.kind
        said = f"Logged {result.kind} with {name} on {result.date.isoformat()}."
        if not rules.counts_as_contact(self.config, result.kind):
            said += f" A {result.kind} is not contact: the keep-in-touch date stays."
        self.notify(said, markup=False, timeout=4)
        self.post_message(messages.InteractionLogged(contact_id, event_id))
        return event_id

    def action_give_names(self) -> None:
        self._start_on_selected(lambda row: self.names_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def names_flow(self, contact_id: int, name: str) -> None:
        # Imported here: the popup's TextArea costs ~15 ms at start, for a popup seldom opened.
        from .modals.names_form import NamesForm

        saved = await self.popup_then_write(
            lambda draft: NamesForm(name, draft=draft),
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

        with store.write():
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

        saved = await self.popup_then_write(
            lambda _: ExportForm(Path.cwd()),
            lambda request: export(self.core, request.format, request.path),
            retry=False,
        )
        if saved is not None:
            request, (_, count) = saved
            self.notify(f"Exported {count} contacts to {request.path} ({request.format}).", markup=False,
                        timeout=5)

    # Archive and undo ------------------------------------------------------------------------

    def action_archive(self) -> None:
        self._start_on_selected(lambda row: self.archive_flow(row.id, row.name))

    @work(exit_on_error=False, group="flow")
    async def archive_flow(self, contact_id: int, name: str) -> None:
        from .modals.confirm import Confirm

        question = Text("Archive ")
        question.append(name, Style(bold=True))
        question.append("?\nThey leave the list; their timeline is kept and `relterm restore` brings them back.")
        saved = await self.popup_then_write(
            lambda _: Confirm(question, yes="archive"),
            lambda _: self.core.archive(contact_id),
            retry=False,
        )
        if saved is None:
            return
        self._undo = (contact_id, name, time.monotonic() + UNDO_SECONDS)
        self.notify(f"Archived {name}. Press u to undo.", markup=False, timeout=UNDO_SECONDS)
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
