"""Strict validation of a levels.yaml: the pydantic schema and its error messages.

Imported only when a file has to be checked (see ``relterm.config``: a file
whose validated form is cached is not parsed again), because building these
models costs more than the rest of a command's start-up. Unknown keys are
refused with a "did you mean" hint, and YAML 1.1 surprises (``name: no`` read
as a boolean, a rank written as "3") are caught because the types are strict.
Every error names the file, the line and the key.

``validate()`` returns the checked data as plain dicts and lists, the form
``relterm.config`` builds its runtime objects from (and caches as JSON). The
models carry the same names as those runtime classes because pydantic's own
messages may name them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .dates import MAX_DAYS
from .fuzzy import did_you_mean as _did_you_mean
from .errors import ConfigError

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+(_[a-z]+)*)$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Ranks run from -MAX_RANK to MAX_RANK; evidence counts to MAX_COUNT; day intervals from 1 to MAX_DAYS.
MAX_RANK = 1000
MAX_COUNT = 100_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PromoteWhen(_Strict):
    """Evidence that suggests a contact is ready for this level.

    All given criteria must hold; each counts events within ``within_days``
    (all time when absent).
    """

    min_interactions: Optional[int] = Field(None, ge=0, le=MAX_COUNT, description="At least this many interactions.")
    min_in_person: Optional[int] = Field(
        None, ge=0, le=MAX_COUNT, description="At least this many in-person interactions."
    )
    requires_kind_in_person: bool = Field(False, description="At least one in-person interaction.")
    min_referrals_exchanged: Optional[int] = Field(
        None, ge=0, le=MAX_COUNT, description="Referrals given plus received at least this many."
    )
    within_days: Optional[int] = Field(
        None, ge=1, le=MAX_DAYS, description=f"Only count events this recent (1 to {MAX_DAYS} days)."
    )


class Level(_Strict):
    """One rung of a ladder."""

    rank: int = Field(
        ge=-MAX_RANK, le=MAX_RANK,
        description=f"Position on the ladder; higher is deeper. Unique within the ladder ({-MAX_RANK} to {MAX_RANK}).",
    )
    name: str = Field(min_length=1, description="Short name shown everywhere, e.g. Conversant.")
    description: str = Field("", description="One paragraph: what standing on this rung means.")
    color: str = Field("white", description='A colour: "#rrggbb", "#rgb" or a name such as "green".')
    cadence_days: Optional[int] = Field(
        None, ge=1, le=MAX_DAYS, description=f"Keep in touch at least every N days (1 to {MAX_DAYS}); absent for no cadence."
    )
    ask_ok: Optional[bool] = Field(
        None, description="Whether asking for business is appropriate at this level."
    )
    promote_when: Optional[PromoteWhen] = Field(
        None, description="Evidence that suggests promoting a contact to this level."
    )

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if not _COLOR.match(value):
            raise ValueError(f'"{value}" is not a colour; use "#rrggbb", "#rgb" or a name like "green"')
        return value


class Ladder(_Strict):
    """A ladder of relationship levels."""

    name: str = Field(min_length=1, description="Display name of the ladder.")
    description: str = Field("", description="What this ladder measures.")
    levels: list[Level] = Field(min_length=1, description="The rungs, in any order.")
    new_contact_rank: Optional[int] = Field(
        None, description="Rank for a contact added without a level (default: lowest rank above 0)."
    )
    introduced_rank: Optional[int] = Field(
        None, description="Rank for a name someone introduced you to (default: new_contact_rank)."
    )

    @model_validator(mode="after")
    def _check_ranks(self) -> "Ladder":
        seen: dict[int, str] = {}
        for index, level in enumerate(self.levels):
            if level.rank in seen:
                raise ValueError(
                    f"duplicate rank {level.rank}: both {seen[level.rank]!r} and {level.name!r} (levels[{index}])"
                )
            seen[level.rank] = level.name
        for key in ("new_contact_rank", "introduced_rank"):
            value = getattr(self, key)
            if value is not None and value not in seen:
                raise ValueError(f"{key}: {value} is not a rank of this ladder")
        return self


class Kind(_Strict):
    """An interaction kind."""

    in_person: bool = Field(False, description="Whether this kind of interaction happens face to face.")
    direction: Optional[Literal["given", "received", "ask"]] = Field(
        None, description="For the give/ask ledger: a referral or introduction given or received, or an ask."
    )
    counts_as_contact: Optional[bool] = Field(
        None,
        description="Whether logging this kind is contact with the person: it restarts their keep-in-touch "
        "clock and clears \"to contact\". Default: true, except for note and review.",
    )
    description: str = Field("", description="What this kind is for.")


class Config(_Strict):
    """The whole ladder config file."""

    version: Literal[1] = Field(1, description="Format version of this file.")
    default_ladder: str = Field(description="Key of the ladder every contact stands on.")
    spheres: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, description="Sphere names.")
    default_sphere: Optional[str] = Field(None, description="Sphere of a contact added without one.")
    kinds: dict[str, Optional[Kind]] = Field(min_length=1, description="Interaction kinds by key.")
    ladders: dict[str, Ladder] = Field(min_length=1, description="Ladders by key.")

    @model_validator(mode="after")
    def _check(self) -> "Config":
        if self.default_ladder not in self.ladders:
            raise ValueError(
                f"default_ladder: no ladder called {self.default_ladder!r}"
                + _did_you_mean(self.default_ladder, list(self.ladders))
            )
        for key in list(self.ladders) + list(self.kinds):
            if not _KEY.match(key):
                raise ValueError(f"{key!r} is not a valid key: use lower-case letters, digits, - and _")
        if self.default_sphere is not None and self.default_sphere not in self.spheres:
            raise ValueError(f"default_sphere: {self.default_sphere!r} is not one of the spheres")
        if len(set(self.spheres)) != len(self.spheres):
            raise ValueError("spheres: a sphere is listed twice")
        return self


# Reading and checking ------------------------------------------------------------------


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line: int, first_line: int):
        self.key, self.line, self.first_line = key, line, first_line


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """A safe loader that refuses a key given twice in one mapping (YAML keeps the last, silently)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the validation reports it
                continue
            if first != key_node.start_mark.line + 1:
                raise _DuplicateKey(key, key_node.start_mark.line + 1, first)
        return super().construct_mapping(node, deep)


def validate(text: str, path: Path | str = "levels.yaml") -> dict:
    """The checked content of a levels.yaml as plain data; ``ConfigError`` naming file, line and key."""
    from .yamlsafe import AliasRefused, refuse_aliases

    try:
        refuse_aliases(text)  # before anything is built: ten lines of aliases make a billion items
        # libyaml's parser (ten times faster), duplicate keys refused.
        data = yaml.load(text, Loader=_StrictLoader)
    except AliasRefused as exc:
        where = f":{exc.line}" if exc.line is not None else ""
        raise ConfigError(f"{path}{where}: {exc.problem}") from None
    except _DuplicateKey as exc:
        raise ConfigError(
            f"{path}:{exc.line}: {exc.key}: duplicate key (first on line {exc.first_line}); "
            "YAML would silently keep only the last one"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        detail = f"{problem} ({context})" if context else problem
        raise ConfigError(f"{path}{where}: YAML syntax error: {detail}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with default_ladder, spheres, kinds and ladders at the top")
    try:
        model = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, text, path)) from None
    return model.model_dump(mode="json")


def _describe(exc: ValidationError, text: str, path: Path | str) -> str:
    """One message naming file, line and key for the first problem, then a count of the rest."""
    errors = exc.errors(include_url=False)
    messages = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    for error in errors[:5]:
        loc = list(error["loc"])
        loc = [part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function-")))]
        explanation = _explain(error, loc, root)
        if error["type"] == "value_error":
            loc, explanation = _narrow(loc, explanation)
        line = _line_of(root, loc)
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        where = f"{path}:{line}" if line else str(path)
        messages.append(f"{where}: {key or 'top level'}: {explanation}")
    if len(errors) > 5:
        messages.append(f"... and {len(errors) - 5} more problems")
    return "\n".join(messages)


def _narrow(loc: list, message: str) -> tuple[list, str]:
    """Point a whole-model check at the key it is about: "default_ladder: ..." or "... (levels[2])"."""
    level = re.search(r" \(levels\[(\d+)\]\)$", message)
    if level:
        return loc + ["levels", int(level.group(1)), "rank"], message[: level.start()]
    field = re.match(r"^([a-z_]+): ", message)
    if field and field.group(1) in _FIELDS_WITH_CHECKS:
        return loc + [field.group(1)], message[field.end():]
    return loc, message


_FIELDS_WITH_CHECKS = {"default_ladder", "default_sphere", "spheres", "new_contact_rank", "introduced_rank"}


def _explain(error: dict, loc: list, root) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], root)
        hint = _did_you_mean(str(loc[-1]), allowed) if allowed else ""
        return f"unknown key{hint}" + (f"; allowed keys: {', '.join(allowed)}" if allowed and not hint else "")
    if kind == "missing":
        return "required key is missing"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, not {_show(value)}"
    if kind in ("string_type",):
        extra = ""
        if isinstance(value, bool):
            extra = ' (YAML reads yes/no/on/off as true/false: put the name in quotes, e.g. "no")'
        return f"must be text, not {_show(value)}{extra}"
    if kind == "bool_type":
        return f"must be true or false, not {_show(value)}"
    if kind in ("less_than_equal", "greater_than_equal", "greater_than", "less_than"):
        bound = error.get("ctx", {})
        limit = {"less_than_equal": "at most {le}", "greater_than_equal": "at least {ge}",
                 "greater_than": "more than {gt}", "less_than": "less than {lt}"}[kind].format(**bound)
        shown = value if isinstance(value, int) and abs(value) < 10**12 else "a larger number"
        return f"must be {limit}, not {shown}"
    message = error.get("msg", "invalid value")
    return message.removeprefix("Value error, ")


def _show(value) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'the text "{value}"'
    if value is None:
        return "an empty value"
    return f"{type(value).__name__} {value!r}"


def _allowed_keys(loc: list, root) -> list[str]:
    """Field names of the model at ``loc`` (for "did you mean")."""
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        if model is Config and part in ("ladders", "kinds"):
            model = {"ladders": _MapOf(Ladder), "kinds": _MapOf(Kind)}[part]  # type: ignore[assignment]
            continue
        if isinstance(model, _MapOf):
            model = model.inner
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _FIELD_MODELS.get((model, part))
    if isinstance(model, _MapOf) or model is None:
        return []
    return list(model.model_fields)


class _MapOf:
    def __init__(self, inner):
        self.inner = inner


_FIELD_MODELS = {(Ladder, "levels"): Level, (Level, "promote_when"): PromoteWhen}


def _line_of(node, loc: list) -> Optional[int]:
    """1-based line of the YAML node at ``loc`` (the key's line for a mapping entry)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
