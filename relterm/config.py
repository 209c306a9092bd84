"""The ladder config: levels, spheres and interaction kinds, from YAML.

The shipped ``levels.yaml`` (next to this module) is used unless the user's
config directory holds its own, which then replaces it whole.

The file's shape is declared once, here: the frozen dataclasses below name
every key, its type, its default, what it means and its bounds (the metadata
of :func:`_key`). ``relterm.config_schema`` builds its pydantic models from
them and adds the checks across keys and the error wording: the file is
validated strictly, unknown keys are refused with a "did you mean" hint, YAML
1.1 surprises are caught, and every error names the file, the line and the key.

Every command reads this file, and importing pydantic and building its models
costs more than the rest of start-up, so the runtime objects are these
dataclasses and a file that passed validation is remembered: its checked content is kept
as JSON in the cache directory (``paths.cache_dir()``), under a key made of
the file's bytes, relterm's version and the source of the modules that check
and build it. The next load of the same bytes builds the objects from that
JSON without importing pydantic or PyYAML. Any change to the file changes the
key, so a broken file is always validated (and refused); an unreadable or
damaged cache entry is ignored and written again.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Literal, Optional

from .dates import MAX_DAYS
from .errors import ConfigError
from .fuzzy import did_you_mean
from . import paths

# Ranks run from -MAX_RANK to MAX_RANK; evidence counts to MAX_COUNT; day intervals from 1 to MAX_DAYS.
MAX_RANK = 1000
MAX_COUNT = 100_000


def _key(default=MISSING, *, doc: str, items: Optional[dict] = None, **bounds):
    """One key of the file: its default, what it means (``doc``) and the bounds the schema checks
    (pydantic ``Field`` keywords such as ``ge``, ``le``, ``min_length``; ``items`` bounds each item of a list)."""
    return field(default=default, metadata={"doc": doc, "bounds": bounds, "items": items or {}})


# The declaration of the file and its runtime objects, only ever built from checked data.


@dataclass(frozen=True, slots=True, kw_only=True)
class PromoteWhen:
    """Evidence that suggests a contact is ready for this level.

    All given criteria must hold; each counts events within ``within_days``
    (all time when absent).
    """

    min_interactions: Optional[int] = _key(None, ge=0, le=MAX_COUNT, doc="At least this many interactions.")
    min_in_person: Optional[int] = _key(None, ge=0, le=MAX_COUNT, doc="At least this many in-person interactions.")
    requires_kind_in_person: bool = _key(False, doc="At least one in-person interaction.")
    min_referrals_exchanged: Optional[int] = _key(
        None, ge=0, le=MAX_COUNT, doc="Referrals given plus received at least this many."
    )
    within_days: Optional[int] = _key(
        None, ge=1, le=MAX_DAYS, doc=f"Only count events this recent (1 to {MAX_DAYS} days)."
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """One rung of a ladder."""

    rank: int = _key(
        ge=-MAX_RANK, le=MAX_RANK,
        doc=f"Position on the ladder; higher is deeper. Unique within the ladder ({-MAX_RANK} to {MAX_RANK}).",
    )
    name: str = _key(min_length=1, doc="Short name shown everywhere, e.g. Conversant.")
    description: str = _key("", doc="One paragraph: what standing on this rung means.")
    color: str = _key("white", doc='A colour: "#rrggbb", "#rgb" or a name such as "green".')
    cadence_days: Optional[int] = _key(
        None, ge=1, le=MAX_DAYS, doc=f"Keep in touch at least every N days (1 to {MAX_DAYS}); absent for no cadence."
    )
    ask_ok: Optional[bool] = _key(None, doc="Whether asking for business is appropriate at this level.")
    promote_when: Optional[PromoteWhen] = _key(None, doc="Evidence that suggests promoting a contact to this level.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ladder:
    """A ladder of relationship levels."""

    name: str = _key(min_length=1, doc="Display name of the ladder.")
    description: str = _key("", doc="What this ladder measures.")
    levels: list[Level] = _key(min_length=1, doc="The rungs, in any order.")
    new_contact_rank: Optional[int] = _key(
        None, doc="Rank for a contact added without a level (default: lowest rank above 0)."
    )
    introduced_rank: Optional[int] = _key(
        None, doc="Rank for a name someone introduced you to (default: new_contact_rank)."
    )
    _ordered: list[Level] = field(init=False, repr=False, compare=False)
    _by_rank: dict[int, Level] = field(init=False, repr=False, compare=False)

    # Derived views -----------------------------------------------------------------

    def __post_init__(self) -> None:
        ordered = sorted(self.levels, key=lambda level: level.rank)
        object.__setattr__(self, "_ordered", ordered)
        object.__setattr__(self, "_by_rank", {level.rank: level for level in self.levels})

    @property
    def ordered(self) -> list[Level]:
        """Levels from the bottom rung to the top."""
        return self._ordered

    @property
    def by_rank(self) -> dict[int, Level]:
        return self._by_rank

    @property
    def lowest(self) -> int:
        return self.ordered[0].rank

    @property
    def highest(self) -> int:
        return self.ordered[-1].rank

    @property
    def default_rank(self) -> int:
        if self.new_contact_rank is not None:
            return self.new_contact_rank
        above_zero = [lv.rank for lv in self.ordered if lv.rank > 0]
        return above_zero[0] if above_zero else self.lowest

    @property
    def intro_rank(self) -> int:
        return self.introduced_rank if self.introduced_rank is not None else self.default_rank

    def level(self, rank: int) -> Optional[Level]:
        return self.by_rank.get(rank)

    def label(self, rank: Optional[int]) -> str:
        """ "3 Conversant", or "7 (not in ladder)" for a rank an edit removed."""
        if rank is None:
            return "-"
        level = self.by_rank.get(rank)
        return f"{rank} {level.name}" if level else f"{rank} (not in ladder)"

    def level_name(self, rank: Optional[int]) -> Optional[str]:
        if rank is None:
            return None
        level = self.by_rank.get(rank)
        return level.name if level else f"rank {rank} (not in ladder)"

    def next_rank(self, rank: int, step: int) -> Optional[int]:
        """The rung ``step`` places above (or below, negative) ``rank``, or None past the end."""
        ranks = [lv.rank for lv in self.ordered]
        if rank in ranks:
            index = ranks.index(rank) + step
        elif step > 0:
            higher = [i for i, r in enumerate(ranks) if r > rank]
            index = higher[0] + step - 1 if higher else len(ranks)
        else:
            lower = [i for i, r in enumerate(ranks) if r < rank]
            index = lower[-1] + step + 1 if lower else -1
        if 0 <= index < len(ranks):
            return ranks[index]
        return None

    def parse_rank(self, text: str | int) -> int:
        """A rank from a number or a level name (case-insensitive)."""
        if isinstance(text, int):
            if text not in self.by_rank:
                raise KeyError(text)
            return text
        value = str(text).strip()
        if re.fullmatch(r"-?[0-9]{1,9}", value):  # ASCII digits only; longer is no rank (ranks: -1000 to 1000)
            rank = int(value)
            if rank not in self.by_rank:
                raise KeyError(value)
            return rank
        for level in self.levels:
            if level.name.lower() == value.lower():
                return level.rank
        raise KeyError(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """An interaction kind."""

    in_person: bool = _key(False, doc="Whether this kind of interaction happens face to face.")
    direction: Optional[Literal["given", "received", "ask"]] = _key(
        None, doc="For the give/ask ledger: a referral or introduction given or received, or an ask."
    )
    counts_as_contact: Optional[bool] = _key(
        None,
        doc="Whether logging this kind is contact with the person: it restarts their keep-in-touch "
        "clock and clears \"to contact\". Default: true, except for note and review.",
    )
    description: str = _key("", doc="What this kind is for.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The whole ladder config file."""

    version: Literal[1] = _key(1, doc="Format version of this file.")
    default_ladder: str = _key(doc="Key of the ladder every contact stands on.")
    spheres: list[str] = _key(min_length=1, items={"min_length": 1}, doc="Sphere names.")
    default_sphere: Optional[str] = _key(None, doc="Sphere of a contact added without one.")
    kinds: dict[str, Optional[Kind]] = _key(min_length=1, doc="Interaction kinds by key.")
    ladders: dict[str, Ladder] = _key(min_length=1, doc="Ladders by key.")

    # Derived views -----------------------------------------------------------------

    @property
    def ladder(self) -> Ladder:
        """The default ladder."""
        return self.ladders[self.default_ladder]

    @property
    def sphere_default(self) -> str:
        if self.default_sphere:
            return self.default_sphere
        return "business" if "business" in self.spheres else self.spheres[0]

    def kind(self, key: str) -> Kind:
        return self.kinds.get(key) or Kind()

    def get_ladder(self, key: Optional[str]) -> tuple[str, Ladder]:
        key = key or self.default_ladder
        if key not in self.ladders:
            from .errors import InputError

            raise InputError(f"unknown ladder {key!r}; ladders: {', '.join(self.ladders)}" + did_you_mean(key, list(self.ladders)))
        return key, self.ladders[key]

    def check_sphere(self, sphere: str) -> str:
        from .errors import InputError

        value = sphere.strip().lower()
        if value in self.spheres:
            return value
        # Accept plurals such as "friends"/"acquaintances" either way round.
        for known in self.spheres:
            if value.rstrip("s") == known.rstrip("s"):
                return known
        raise InputError(
            f"unknown sphere {sphere!r}; spheres: {', '.join(self.spheres)}" + did_you_mean(value, self.spheres)
        )

    def check_kind(self, kind: str) -> str:
        from .errors import InputError

        value = kind.strip().lower()
        if value in self.kinds:
            return value
        raise InputError(
            f"unknown interaction kind {kind!r}; kinds: {', '.join(self.kinds)}" + did_you_mean(value, list(self.kinds))
        )


def _build(data: dict) -> Config:
    """Runtime objects from checked data (``config_schema.validate()`` or the cache)."""

    def level(item: dict) -> Level:
        rule = item.get("promote_when")
        if rule is not None:
            item = {**item, "promote_when": PromoteWhen(**rule)}
        return Level(**item)

    def ladder(item: dict) -> Ladder:
        return Ladder(**{**item, "levels": [level(lv) for lv in item["levels"]]})

    return Config(
        **{
            **data,
            "spheres": list(data["spheres"]),
            "kinds": {key: None if kind is None else Kind(**kind) for key, kind in data["kinds"].items()},
            "ladders": {key: ladder(item) for key, item in data["ladders"].items()},
        }
    )


# Loading -------------------------------------------------------------------------------


def levels_file(config_dir: Path) -> Path:
    """The levels file in use: the user's when present, else the shipped one."""
    user = paths.user_levels_file(config_dir)
    return user if user.is_file() else paths.SHIPPED_LEVELS


def load_config(config_dir: Path | None = None, *, path: Path | None = None) -> Config:
    """Load and validate the ladder config; raise ``ConfigError`` with file, line and key.

    Bytes that passed validation before are built from the cache instead of checked again.
    """
    if path is None:
        path = levels_file(config_dir) if config_dir is not None else paths.SHIPPED_LEVELS
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the ladder config: {exc.strerror or exc}") from None
    key = _cache_key(raw)
    if key is not None:
        cached = _read_cache(key)
        if cached is not None:
            return cached
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if "\r" in text:  # as reading in text mode would
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    from .config_schema import validate

    data = validate(text, path)
    config = _build(data)
    if key is not None:
        from . import filecache

        filecache.write("levels", key, data, keep=_CACHE_KEEP)
    return config


def parse_config(text: str, path: Path | str = "levels.yaml") -> Config:
    """Validate the text of a levels.yaml (``path`` names it in errors); never cached."""
    from .config_schema import validate

    return _build(validate(text, path))


# The cache of validated files ----------------------------------------------------------

_CACHE_FORMAT = b"relterm levels cache 2"
_CACHE_KEEP = 8  # entries kept: one per levels.yaml in use (user, shipped, demo...) and a few edits back
_CODE = (paths.PACKAGE_DIR / "config.py", paths.PACKAGE_DIR / "config_schema.py")


def _cache_key(raw: bytes) -> Optional[str]:
    """A hash of the file's bytes, relterm's version and the code that checks and builds them.

    None (no caching) when that code cannot be read as files.
    """
    from . import __version__
    from .filecache import key_of

    try:
        code = [source.read_bytes() for source in _CODE]
    except OSError:
        return None
    return key_of([_CACHE_FORMAT, __version__.encode(), *code, raw])


def _read_cache(key: str) -> Optional[Config]:
    """The config cached under ``key``, or None when absent, unreadable or damaged."""
    from . import filecache

    data = filecache.read("levels", key)
    if data is None:
        return None
    try:
        return _build(data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
