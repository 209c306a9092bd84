"""CSV in (Google Contacts, current and legacy; LinkedIn Connections.csv;
relterm's own CSV) and relterm's own CSV out.

The header row is found by its column names, so preambles (LinkedIn's
"Notes:" lines), byte-order marks and blank lines before it do not matter.
Cells are read with the csv module, so quoted commas and line breaks inside a
cell are kept.

relterm's CSV is safe to open in a spreadsheet: a cell starting with ``=``,
``+``, ``-``, ``@``, a tab, a carriage return or a single quote gets a single
quote in front, so no spreadsheet runs it as a formula; relterm strips that
quote again on import, so ``+1 555 0100`` round-trips unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..errors import InputError
from ..sanitize import clean_line
from .common import BadRecord, Record, iter_lines

# The column names of relterm's own CSV, in order. Contact columns not listed
# here (added by later versions) follow them, and "level:<ladder>" columns
# carry the rank on each ladder.
RELTERM_COLUMNS = [
    "name", "company", "title", "email", "phone", "birthday", "sphere", "tags", "notes",
    "introduced_by", "introduced_by_uid", "cadence_days", "to_contact", "review_every_days", "review_due",
    "snoozed_until", "uid", "details",
]
_RELTERM_SIGNATURE = {"name", "uid", "sphere", "tags", "details", "introduced_by_uid"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "'")

GOOGLE = "google-csv"
LINKEDIN = "linkedin-csv"
RELTERM = "relterm-csv"
CSV_FORMATS = (GOOGLE, LINKEDIN, RELTERM)

# The longest cell read: SQLite's longest string (SQLITE_MAX_LENGTH, in bytes, so never fewer
# characters), so every value relterm has stored reads back. The csv module stops at 128 kB unless
# told; a longer cell is reported as its row's problem, never a traceback.
FIELD_LIMIT = 1_000_000_000

_MULTI = " ::: "
_NUMBERED = re.compile(r"^(E-mail|Phone|Address|Website|Relation|Event|Custom Field|IM|Organization) (\d+) - (.+)$")


def neutralise(cell: str) -> str:
    """Make a cell inert in spreadsheets (see the module docstring)."""
    return "'" + cell if cell and cell.startswith(_DANGEROUS) else cell


def restore_cell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def header_kind(row: list[str]) -> Optional[str]:
    names = {c.strip() for c in row}
    if _RELTERM_SIGNATURE <= names:
        return RELTERM
    if "Connected On" in names or {"First Name", "Last Name", "URL", "Email Address"} <= names:
        return LINKEDIN
    if ("First Name" in names and ("Labels" in names or "E-mail 1 - Value" in names or "Organization Name" in names)) \
            or ({"Name", "Given Name", "Family Name"} <= names) or "Group Membership" in names:
        return GOOGLE
    return None


def _field_limit() -> None:
    """Let the csv module read cells up to FIELD_LIMIT (its own limit is global to the process)."""
    limit = FIELD_LIMIT
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # a platform whose C long is narrower
            limit //= 2


def _csv_problem(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        return f"a cell longer than {FIELD_LIMIT:,} characters, more than relterm can hold"
    return str(exc)


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    _field_limit()
    reader = csv.reader(lines, strict=False)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, ["\x00csv-error", _csv_problem(exc)]
            continue
        yield reader.line_num, row


def sniff(text: str) -> Optional[str]:
    for number, (_, row) in enumerate(_rows(io.StringIO(text[:200_000], newline=""))):
        kind = header_kind(row)
        if kind or number > 30:
            return kind
    return None


def count_rows(path: Path) -> int:
    """Rows after the header (and any preamble lines, which makes this an estimate by a line or two)."""
    return max(sum(1 for _ in _rows(iter_lines(path))) - 1, 0)


def read_csv(path: Path, kind: str) -> Iterator[Record | BadRecord]:
    """The file's records, read as a stream: the whole file is never in memory."""
    rows = _rows(iter_lines(path))
    header: Optional[list[str]] = None
    found: Optional[str] = None
    for _, row in rows:
        found = header_kind(row)
        if found:
            header = [c.strip() for c in row]
            break
    if header is None:
        raise InputError(f"{clean_line(str(path))}: no header row of a {kind} file found")
    if found != kind and not (kind == GOOGLE and found == GOOGLE):
        raise InputError(f"{clean_line(str(path))}: this looks like a {found} file, not {kind}; try --format {found}")
    if kind == GOOGLE:
        google = _GooglePlan(header)
    else:
        convert = {LINKEDIN: _linkedin, RELTERM: _relterm}[kind]
    name = clean_line(Path(path).name)
    width = len(header)
    for line, row in rows:
        where = f"{name}: line {line}"
        if row and row[0] == "\x00csv-error":
            yield BadRecord(where, f"cannot read the row: {row[1]}")
            continue
        if not "".join(row).strip():
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            yield BadRecord(where, f"{len(row)} cells where the header has {width} columns")
            continue
        try:
            if kind == GOOGLE:
                length = len(row)  # before cells(), which may add the empty cell to ``row`` itself
                record = _google(google.cells(row), where, google, length)
            else:
                record = convert(dict(zip(header, row)), where)
        except (ValueError, KeyError) as exc:
            yield BadRecord(where, str(exc))
            continue
        yield record


# Google ------------------------------------------------------------------------------------


def _split_multi(value: str) -> list[str]:
    """Google puts several values in one cell separated by " ::: "."""
    if not value:
        return []
    if _MULTI not in value:
        value = value.strip()
        return [value] if value else []
    return [v.strip() for v in value.split(_MULTI) if v.strip()]


def _google_label(value: str) -> str:
    label = value.strip()
    if label.startswith("* "):
        label = label[2:]
    return label.strip().lower()


_ADDRESS_PARTS = ("PO Box", "Street", "Extended Address", "City", "Region", "Postal Code", "Country")
# Numbered groups kept as details: group -> (detail kind, label when the file gives none).
_GROUP_DETAIL = {"Address": ("address", ""), "Website": ("url", ""), "Relation": ("related", "")}


class _GooglePlan:
    """Where each column a Google row is read from sits, worked out once per file.

    A row becomes a list of cells by column position (see :meth:`cells`); every
    column the reader asks for is an index into it. A column the header lacks
    points at an empty cell kept at the end, so a short row, a missing column
    and an empty cell all read as "". A name the header gives twice reads the
    last such column the row reaches, as a dict built from the row would.
    """

    def __init__(self, header: list[str]):
        self.names = list(dict.fromkeys(header))
        self.width = len(header)
        self.duplicates = len(self.names) != len(header)
        self.missing = len(self.names)  # the index of the empty cell after the row's cells
        self.index = {name: i for i, name in enumerate(self.names)}
        self.header = header
        col = self.col
        # The legacy export is told by its columns; a row too short to reach them reads as the current one.
        self.legacy_from = min((header.index(c) for c in ("Given Name", "Group Membership") if c in self.index),
                               default=sys.maxsize)
        self.unnamed = self.missing  # what a group lacking its "Value" (or "Name") part reads: the empty cell
        self.name_parts = tuple(col(c) for c in ("Name Prefix", "First Name", "Middle Name", "Last Name",
                                                 "Name Suffix"))
        self.legacy_parts = tuple(col(c) for c in ("Given Name", "Additional Name", "Family Name"))
        self.name, self.file_as, self.nickname = col("Name"), col("File As"), col("Nickname")
        self.company, self.title = col("Organization Name"), col("Organization Title")
        self.birthday, self.notes = col("Birthday"), col("Notes")
        self.labels, self.membership = col("Labels"), col("Group Membership")
        # For each numbered group ("E-mail 2", "Address 1"...), in order: (group, part -> cell index).
        groups: dict[tuple[str, str], dict[str, int]] = {}
        for column in header:
            match = _NUMBERED.match(column)
            if match:
                groups.setdefault((match.group(1), match.group(2)), {})[match.group(3)] = col(column)
        ordered = sorted(groups.items(), key=lambda item: (item[0][0], int(item[0][1])))
        # Each group as (what it is, where its value, label and parts are, the detail kind, the default label).
        self.groups = []
        for (group, _), parts in ordered:
            label = parts.get("Label", parts.get("Type"))
            address = tuple((part, parts[part]) for part in _ADDRESS_PARTS if part in parts)
            kind, default = _GROUP_DETAIL.get(group, ("other", group.lower()))
            self.groups.append((group, parts, parts.get("Value", self.unnamed), label, address,
                                parts.get("Formatted"), kind, default))
        self.label_cache: dict[str, str] = {}

    def col(self, name: str) -> int:
        return self.index.get(name, self.missing)

    def cells(self, row: list[str]) -> list[str]:
        """The row as cells by index, with the empty cell at the end."""
        if self.duplicates:
            by_name = dict(zip(self.header, row))
            return [by_name.get(name, "") for name in self.names] + [""]
        width = self.width
        if len(row) == width:
            row.append("")
            return row
        if len(row) > width:
            return row[:width] + [""]
        return row + [""] * (width + 1 - len(row))


def _google(cells: list[str], where: str, plan: _GooglePlan, length: int) -> Record:
    """A record from ``cells`` (see :meth:`_GooglePlan.cells`) of a row ``length`` cells long."""
    record = Record(where=where)

    if length > plan.legacy_from:  # the legacy export
        name = cells[plan.name].strip() or " ".join(
            p for p in (cells[i].strip() for i in plan.legacy_parts) if p)
    else:
        name = " ".join(p for p in (cells[i].strip() for i in plan.name_parts) if p)
        name = name or cells[plan.file_as].strip()
    nickname = cells[plan.nickname].strip()
    company = cells[plan.company].strip()
    title = cells[plan.title].strip()
    labels = plan.label_cache
    for group, parts, value_at, label_at, address, formatted_at, kind, default in plan.groups:
        if group == "Address":
            formatted = cells[formatted_at].strip() if formatted_at is not None else ""
            if not formatted:
                got = {part: cells[i].strip() for part, i in address}
                town = " ".join(p for p in (got.get("City"), got.get("Region"), got.get("Postal Code")) if p)
                formatted = "\n".join(p for p in (got.get("PO Box"), got.get("Street"), got.get("Extended Address"),
                                                  town, got.get("Country")) if p)
            if not formatted:
                continue
            values = _split_multi(formatted)
        elif group == "Organization":
            company = company or cells[parts.get("Name", plan.unnamed)].strip()
            title = title or cells[parts.get("Title", plan.unnamed)].strip()
            continue
        else:
            values = _split_multi(cells[value_at])
            if not values:
                continue
        if label_at is None:
            label = ""
        else:
            raw = cells[label_at]
            label = labels.get(raw)
            if label is None:
                label = _google_label(raw)
                if len(labels) < 1000:
                    labels[raw] = label
        if group == "E-mail":
            record.emails += [(label, v) for v in values]
        elif group == "Phone":
            record.phones += [(label, v) for v in values]
        else:
            record.details += [(kind, label or default, v) for v in values]
    if company:
        record.fields["company"] = company
    if title:
        record.fields["title"] = title
    if nickname:
        record.details.append(("other", "nickname", nickname))
    record.name = name or nickname or company or (record.emails[0][1] if record.emails else "")
    birthday = cells[plan.birthday].strip()
    if birthday:
        record.fields["birthday"] = birthday  # checked by the importer, like every birthday
    notes = cells[plan.notes]
    if notes.strip():
        record.fields["notes"] = notes
    labels = cells[plan.labels].strip() or cells[plan.membership].strip()
    for label in _split_multi(labels):
        if label.lower() in ("* mycontacts", "* other contacts"):
            continue
        record.tags.append(label[2:] if label.startswith("* ") else label)
    return record


# LinkedIn ----------------------------------------------------------------------------------

_LINKEDIN_DATES = ("%d %b %Y", "%d %B %Y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%b %d, %Y")


def _linkedin_date(text: str) -> dt.date:
    for pattern in _LINKEDIN_DATES:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f'"Connected On" date {text!r} is not a date')


def _linkedin(cells: dict, where: str) -> Record:
    record = Record(where=where)
    get = lambda key: (cells.get(key) or "").strip()  # noqa: E731
    record.name = " ".join(p for p in (get("First Name"), get("Last Name")) if p)
    if get("Company"):
        record.fields["company"] = get("Company")
    if get("Position"):
        record.fields["title"] = get("Position")
    if get("Email Address"):
        record.emails.append(("", get("Email Address")))
    if get("URL"):
        record.details.append(("url", "linkedin", get("URL")))
    if get("Connected On"):
        try:
            record.events.append((_linkedin_date(get("Connected On")), "social", "Connected on LinkedIn"))
        except ValueError as exc:
            record.warnings.append(f"{where}: {exc}; no event recorded")
    if not record.name:
        record.name = record.fields.get("company", "") or (record.emails[0][1] if record.emails else "")
    return record


# relterm's own -----------------------------------------------------------------------------


def _relterm(cells: dict, where: str) -> Record:
    record = Record(where=where)
    values = {key: restore_cell(value or "") for key, value in cells.items()}
    record.name = values.get("name", "")
    for key, value in values.items():
        if key in ("name", "tags", "details", "introduced_by", "introduced_by_uid", "email", "phone"):
            continue
        if key.startswith("level:"):
            if value.strip():
                record.ranks[key[6:]] = value.strip()  # "3" or "Conversant": parse_level reads either
            continue
        if value != "":
            record.fields[key] = value
    if values.get("email"):
        record.emails.append(("", values["email"]))
    if values.get("phone"):
        record.phones.append(("", values["phone"]))
    record.tags = [t for t in values.get("tags", "").split(",") if t.strip()]
    if values.get("details"):
        try:
            details = json.loads(values["details"])
            record.details = [(str(k), str(lab), str(v)) for k, lab, v in details]
        except (ValueError, TypeError) as exc:
            raise ValueError(f"the details cell is not relterm's JSON list: {exc}") from None
    intro = values.get("introduced_by_uid") or values.get("introduced_by")
    if intro:
        record.introduced_by = f"urn:uuid:{values['introduced_by_uid']}" if values.get("introduced_by_uid") else intro
    return record


def write_csv(rows: list[dict], extra_columns: list[str], ladders: list[str]) -> str:
    """relterm's CSV of contacts (dicts from ``relterm.io.export.contact_data``)."""
    columns = RELTERM_COLUMNS + extra_columns + [f"level:{key}" for key in ladders]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for data in rows:
        flat = dict(data.get("extra", {}))
        flat.update({
            "name": data["name"], "company": data["company"], "title": data["title"], "email": data["email"],
            "phone": data["phone"], "birthday": data["birthday"] or "", "sphere": data["sphere"],
            "tags": ",".join(data["tags"]), "notes": data["notes"], "introduced_by": data["introduced_by"] or "",
            "introduced_by_uid": data["introduced_by_uid"] or "", "uid": data["uid"],
            "details": json.dumps([list(d) for d in data["details"]], ensure_ascii=False) if data["details"] else "",
        })
        for key, rank in data["ranks"].items():
            flat[f"level:{key}"] = rank
        writer.writerow([neutralise(_cell(flat.get(column))) for column in columns])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
