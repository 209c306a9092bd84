"""Fuzzy matching for "did you mean" hints, with rapidfuzz.

Used on error paths only (a typo in a key, a command or a name), so the
import is deferred until a hint is needed.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence


def closest(word: str, choices: Iterable[str], *, cutoff: float = 60.0) -> Optional[str]:
    """The choice most like ``word`` (a key, a command), or None when nothing is close."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(str(word), [str(c) for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'cadence_days'?)", or "" when nothing is close."""
    match = closest(word, choices)
    return f" (did you mean {match!r}?)" if match and match != word else ""


def similar_names(text: str, people: Sequence[tuple[int, str]], *, limit: int = 3) -> list[tuple[int, str]]:
    """Contacts whose names look like ``text`` (a misspelt or partly remembered name)."""
    from rapidfuzz import fuzz, process, utils

    names = [name for _, name in people]
    found = process.extract(
        text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=80
    )
    return [people[index] for _, _, index in found]
