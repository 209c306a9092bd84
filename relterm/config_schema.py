"""Strict validation of a levels.yaml: the pydantic schema and its error messages.

Imported only when a file has to be checked (see ``relterm.config``: a file
whose validated form is cached is not parsed again), because building these
models costs more than the rest of a command's start-up. Unknown keys are
refused with a "did you mean" hint, and YAML 1.1 surprises (``name: no`` read
as a boolean, a rank written as "3") are caught because the types are strict.
Every error names the file, the line and the key.

The keys themselves (names, types, defaults, meanings, bounds) are declared
once, by the dataclasses of ``relterm.config``; the models here are built from
them, with the checks across keys added. ``validate()`` returns the checked
data as plain dicts and lists, the form ``relterm.config`` builds its runtime
objects from (and caches as JSON). The models carry the same names as those
runtime classes because pydantic's own messages may name them.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from . import config as declared
from .config import MAX_COUNT, MAX_RANK  # noqa: F401 (bounds declared with the keys)
from .fuzzy import did_you_mean as _did_you_mean
from .errors import ConfigError

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+(_[a-z]+)*)$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# The models, built from the declaration in relterm.config ----------------------------------

_MODELS: dict[type, type[BaseModel]] = {}  # runtime dataclass -> its model, filled as they are built


def _as_model(hint):
    """``hint`` with every runtime dataclass in it replaced by its model (``list[Level]`` -> ``list[LevelModel]``)."""
    if hint in _MODELS:
        return _MODELS[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None or origin is Literal or not args:
        return hint
    inner = tuple(_as_model(arg) for arg in args)
    if origin is Union:
        return Union[inner]
    return origin[inner]


def _model(declared: type, **validators) -> type[BaseModel]:
    """The strict pydantic model of one of relterm.config's dataclasses: its keys, types, defaults, meanings
    (``description``) and bounds as declared there, plus ``validators`` for the checks across keys."""
    hints = typing.get_type_hints(declared)
    keys = {}
    for item in dataclasses.fields(declared):
        if not item.init:  # derived views (Ladder._ordered), not keys of the file
            continue
        hint = _as_model(hints[item.name])
        if item.metadata.get("items"):
            hint = list[Annotated[typing.get_args(hint)[0], Field(**item.metadata["items"])]]
        default = ... if item.default is dataclasses.MISSING else item.default
        keys[item.name] = (hint, Field(default, description=item.metadata.get("doc"),
                                       **item.metadata.get("bounds", {})))
    model = create_model(declared.__name__, __base__=_Strict, __doc__=declared.__doc__,
                         __module__=__name__, __validators__=validators, **keys)
    _MODELS[declared] = model
    return model


def _color(cls, value: str) -> str:
    if not _COLOR.match(value):
        raise ValueError(f'"{value}" is not a colour; use "#rrggbb", "#rgb" or a name like "green"')
    return value


def _check_ranks(self):
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


def _check_config(self):
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


PromoteWhen = _model(declared.PromoteWhen)
Level = _model(declared.Level, _color=field_validator("color")(_color))
Ladder = _model(declared.Ladder, _check_ranks=model_validator(mode="after")(_check_ranks))
Kind = _model(declared.Kind)
Config = _model(declared.Config, _check=model_validator(mode="after")(_check_config))


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
