"""Checking a JSON backup before it is restored: every value of every row, as any other input is.

One strict pydantic model per table, built from the table's Peewee model (so columns added
later are checked without a change here): the type of each column (a whole number, text, a
date, a flag, null only where the column allows it), its range (ids that fit SQLite, day
counts and ranks as ``relterm.dates`` and ``config_schema`` bound them, dates as
``relterm.dates.check_date`` does, birthdays by ``relterm.dates.parse_birthday``), and every
text cleaned by ``relterm.sanitize`` as typed or imported text is. Then what spans rows:
duplicate ids and unique keys, foreign keys that point to no row, introductions in a circle.

The first problem is raised as one ``InputError`` naming the table, the row (counted from 1
in the backup's list) and the column; nothing is written. Imported only by a restore: building
the models costs a noticeable fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Optional

from peewee import AutoField, BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from .. import store
from ..config import MAX_RANK
from ..dates import MAX_DAYS, MIN_DATE, check_date, max_date, parse_birthday
from ..domain import join_tags, split_tags
from ..errors import InputError, RelTermError
from ..sanitize import clean_line, clean_text

MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_INT = 2**63 - 1

# Ranges of whole-number columns, by column name; any other stays inside SQLite's integers.
_INT_RANGES = {
    "cadence_days": (0, MAX_DAYS),  # 0: no cadence
    "review_every_days": (0, MAX_DAYS),
    "rank": (-MAX_RANK, MAX_RANK),
    "from_rank": (-MAX_RANK, MAX_RANK),
    "to_rank": (-MAX_RANK, MAX_RANK),
    "position": (0, 1_000_000),
}
# Text columns that may hold several lines; every other text column is one line.
_MULTILINE = {"notes", "summary", "reason", "warning", "value"}
_NOT_EMPTY = {("contact", "name"), ("contact", "uid"), ("contact_level", "ladder"), ("event", "kind")}
_DIRECTIONS = ("given", "received", "ask")


class _Problem(ValueError):
    """A value error with our own words (pydantic shows the message after "Value error, ")."""


def _wrap(check):
    """A validator from a check that raises ``InputError``: pydantic reports only ValueErrors."""

    def run(value):
        try:
            return check(value)
        except RelTermError as exc:
            raise _Problem(str(exc)) from None

    return run


# The accepted range of dates (``relterm.dates.check_date``), taken once per restore: asking the
# clock for every one of a million dates would cost seconds.
_range = [MIN_DATE, MIN_DATE]


def _in_range(day: dt.date) -> None:
    if not _range[0] <= day <= _range[1]:
        try:
            check_date(day)
        except RelTermError as exc:
            raise _Problem(str(exc)) from None


def _date(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise _Problem(f'"{clean_line(value)[:40]}" is not a date (YYYY-MM-DD)')
    _in_range(day)
    return value


def _datetime(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Problem(f'"{clean_line(value)[:40]}" is not a date and time (YYYY-MM-DD HH:MM:SS)') from None
    _in_range(moment.date())
    if len(value) >= 19 and value[10] == " " and moment.tzinfo is None:
        return value
    # Peewee reads "YYYY-MM-DD HH:MM:SS[.ffffff]" back as a datetime; a "T", a zone or bare date would come
    # back as text and break every screen that shows it.
    return moment.replace(tzinfo=None).isoformat(sep=" ")


def _flag(value: Any) -> int:
    if value in (0, 1) and not isinstance(value, float):  # also True / False
        return int(value)
    raise _Problem(f"must be 0 or 1 (or true/false), not {_show(value)}")


def _event_data(value: str) -> str:
    try:
        data = json.loads(value)
    except ValueError:
        raise _Problem("must be JSON text") from None
    return json.dumps(_clean_json(data, 0), ensure_ascii=False)


def _clean_json(value, depth: int):
    if depth > 20:
        raise _Problem("JSON nested too deeply")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {clean_line(key): _clean_json(item, depth + 1) for key, item in value.items()}
    return value


def _not_empty(value: str) -> str:
    if not value:
        raise _Problem("must not be empty")
    return value


def _tags(value: str) -> str:
    return join_tags(clean_line(tag.replace(",", " ")).lower() for tag in split_tags(value))


def _direction(value: str) -> str:
    if value not in _DIRECTIONS:
        raise _Problem(f"must be one of {', '.join(_DIRECTIONS)}, not {_show(value)}")
    return value


def _item(value: str) -> str:
    from ..intel.model import ITEM_KINDS

    if value not in ITEM_KINDS:
        raise _Problem(f"must be one of {', '.join(ITEM_KINDS)}, not {_show(value)}")
    return value


def _column(table: str, field) -> Any:
    """The annotation of one column: its type, range and cleaning."""
    name = field.column_name
    if isinstance(field, (AutoField, ForeignKeyField)):
        kind: Any = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
    elif isinstance(field, BooleanField):
        kind = Annotated[int, BeforeValidator(_flag)]
    elif isinstance(field, IntegerField):
        low, high = _INT_RANGES.get(name, (-MAX_INT - 1, MAX_INT))
        kind = Annotated[int, Field(strict=True, ge=low, le=high)]
    elif isinstance(field, DateTimeField):
        kind = Annotated[str, Field(strict=True), AfterValidator(_datetime)]
    elif isinstance(field, DateField):
        kind = Annotated[str, Field(strict=True), AfterValidator(_date)]
    elif isinstance(field, TextField):
        checks: list = []
        if name == "birthday":
            checks.append(AfterValidator(_wrap(lambda v: parse_birthday(clean_line(v)))))
        elif name == "tags":
            checks.append(AfterValidator(_tags))
        elif name == "data":
            checks.append(AfterValidator(_event_data))
        else:
            checks.append(AfterValidator(clean_text if name in _MULTILINE else clean_line))
        if (table, name) in _NOT_EMPTY:
            checks.append(AfterValidator(_not_empty))
        if name == "direction":
            checks.append(AfterValidator(_direction))
        if (table, name) == ("agenda_snooze", "item"):
            checks.append(AfterValidator(_item))
        kind = Annotated[str, Field(strict=True), *checks]
    else:  # a field type this code does not know: at least a plain JSON scalar
        kind = Annotated[Any, BeforeValidator(_scalar)]
    if field.null:
        return (Optional[kind], None)
    return (kind, ...)


def _scalar(value):
    if value is not None and not isinstance(value, (str, int, float)):
        raise _Problem(f"must be a single value, not {_show(value)}")
    return value


_MODELS: dict = {}


def table_model(model):
    """The pydantic model of one table's row (cached)."""
    table = model._meta.table_name
    if table not in _MODELS:
        fields = {f"c_{f.column_name}": _column(table, f) for f in model._meta.sorted_fields}
        # Prefixed names: a column may be called like a pydantic attribute ("model_...", "schema").
        _MODELS[table] = create_model(
            f"Backup_{table}", __config__=ConfigDict(extra="forbid", strict=True), **fields
        )
    return _MODELS[table]


def check_tables(data: dict, source: str) -> list[tuple]:
    """(model, columns, rows) per table of the backup, every value checked and cleaned; ``InputError``
    naming table, row and column at the first problem."""
    models = {m._meta.table_name: m for m in store.MODELS}
    _range[:] = [MIN_DATE, max_date()]
    tables = data["tables"]
    unknown = set(tables) - set(models)
    if unknown:
        raise InputError(f"{source}: tables {', '.join(sorted(unknown))} are unknown to this relterm; "
                         "the backup was written by a newer version")
    plans = []
    for name, table in tables.items():
        model = models[name]
        where = f"{source}: table {name}"
        if not isinstance(table, dict):
            raise InputError(f"{where}: expected an object with \"columns\" and \"rows\", not {_show(table)}")
        columns = table.get("columns")
        rows = table.get("rows")
        if columns is None and rows is None:
            columns, rows = [], []
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise InputError(f"{where}: \"columns\" must be a list of column names")
        if not isinstance(rows, list):
            raise InputError(f"{where}: \"rows\" must be a list of rows, not {_show(rows)}")
        known = {f.column_name: f for f in model._meta.sorted_fields}
        extra = [c for c in columns if c not in known]
        if extra:
            raise InputError(f"{where} has columns {', '.join(extra)} this relterm does not know; "
                             "the backup was written by a newer version")
        twice = sorted({c for c in columns if columns.count(c) > 1})
        if twice:
            raise InputError(f"{where}: column {twice[0]} is listed twice")
        # Columns an older backup lacks take their default; one without a default must be there.
        fill = {}
        for column, field in known.items():
            if column in columns:
                continue
            if field.null:
                fill[column] = None
            elif field.default is not None and not callable(field.default):
                fill[column] = field.default
            elif rows:
                raise InputError(f"{where}: column {column} is missing")
        checker = table_model(model)
        validate = checker.model_validate
        out_columns = list(columns) + list(fill)
        keys = [f"c_{c}" for c in out_columns]
        checked = []
        for number, row in enumerate(rows, 1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise InputError(f"{where}, row {number}: expected a list of {len(columns)} values, one per column")
            values = dict(zip(keys, row))
            for column, default in fill.items():
                values[f"c_{column}"] = default
            try:
                record = validate(values)
            except ValidationError as exc:
                raise InputError(f"{where}, row {number}, {_describe(exc)}; nothing restored") from None
            fields = record.__dict__
            checked.append([fields[key] for key in keys])
        plans.append((model, out_columns, checked))
    _check_links(plans, source)
    return plans


def _check_links(plans: list, source: str) -> None:
    """Duplicate ids and unique keys, foreign keys to no row, introductions in a circle."""
    ids: dict[str, set] = {}
    for model, columns, rows in plans:
        table = model._meta.table_name
        uniques = [("id",)] + [(f.column_name,) for f in model._meta.sorted_fields if f.unique]
        uniques += [tuple(model._meta.fields[n].column_name for n in names)
                    for names, unique in model._meta.indexes if unique]
        for key in uniques:
            if not all(c in columns for c in key):
                continue
            at = [columns.index(c) for c in key]
            seen: dict = {}
            for number, row in enumerate(rows, 1):
                value = tuple(row[i] for i in at)
                if None in value:
                    continue
                if value in seen:
                    shown = ", ".join(f"{c} {v!r}" for c, v in zip(key, value))
                    raise InputError(f"{source}: table {table}, row {number}, column {key[-1]}: {shown} is also in "
                                     f"row {seen[value]}; each must be unique; nothing restored")
                seen[value] = number
            if key == ("id",):
                ids[table] = {v[0] for v in seen}
    for model, columns, rows in plans:
        table = model._meta.table_name
        for field in model._meta.sorted_fields:
            if not isinstance(field, ForeignKeyField) or field.column_name not in columns:
                continue
            target = field.rel_model._meta.table_name
            have = ids.get(target, set())
            at = columns.index(field.column_name)
            for number, row in enumerate(rows, 1):
                value = row[at]
                if value is not None and value not in have:
                    raise InputError(f"{source}: table {table}, row {number}, column {field.column_name}: "
                                     f"{target} {value} is not in the backup; nothing restored")
    for model, columns, rows in plans:
        if model is store.Contact and "introduced_by_id" in columns:
            at, me = columns.index("introduced_by_id"), columns.index("id")
            parent = {row[me]: row[at] for row in rows if row[at] is not None}
            numbers = {row[me]: n for n, row in enumerate(rows, 1)}
            done: set = set()
            for start in parent:
                path: set = set()
                current = start
                while current in parent and current not in done:
                    if current in path:
                        raise InputError(f"{source}: table contact, row {numbers[current]}, column introduced_by_id: "
                                         "the introductions go round in a circle; nothing restored")
                    path.add(current)
                    current = parent[current]
                done |= path


def _describe(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    loc = error["loc"]
    column = str(loc[0]).removeprefix("c_") if loc else "?"
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        text = f"must be a whole number, not {_show(value)}"
    elif kind == "string_type":
        text = f"must be text, not {_show(value)}"
    elif kind in ("less_than_equal", "greater_than_equal"):
        bound = f"at most {ctx.get('le')}" if kind == "less_than_equal" else f"at least {ctx.get('ge')}"
        text = f"must be {bound}, not {_show(value)}"
    elif kind == "missing":
        text = "is missing"
    elif kind == "value_error":
        text = str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    else:
        text = error.get("msg", "invalid value")
    if value is None and kind in ("int_type", "string_type"):
        text = "must have a value, not null"
    return f"column {column}: {text}"


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'the text "{clean_line(value)[:40]}"'
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    if isinstance(value, int) and abs(value) >= 10**15:
        return "a number too large"
    return repr(value)
