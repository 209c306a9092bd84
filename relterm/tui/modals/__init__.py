"""Popups: each a ModalScreen returning a dataclass, or None when cancelled."""
