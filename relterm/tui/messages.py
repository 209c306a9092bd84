"""App-wide messages: something changed in the data.

The main screen posts them after a write succeeds and reacts to them itself;
other views listen to the same messages to stay current. Widget-local
messages live in their widget's class (``ContactList.Highlighted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from textual.message import Message


@dataclass
class ContactAdded(Message):
    contact_id: int


@dataclass
class ContactEdited(Message):
    contact_id: int


@dataclass
class ContactArchived(Message):
    contact_id: int
    name: str


@dataclass
class ContactRestored(Message):
    contact_id: int


@dataclass
class InteractionLogged(Message):
    contact_id: int
    event_id: int


@dataclass
class LevelChanged(Message):
    contact_id: int
    ladder: str
    from_rank: Optional[int]
    to_rank: int


@dataclass
class DataChangedElsewhere(Message):
    """Another process (the CLI, a script) wrote to the database."""


@dataclass
class NamesRecorded(Message):
    """Someone gave you names: new contacts to contact, and an entry on their timeline."""

    introducer_id: int
    contact_ids: tuple[int, ...]
