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
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..errors import InputError
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


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, strict=False)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, ["\x00csv-error", str(exc)]
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
    return max(sum(1 for _ in csv.reader(iter_lines(path), strict=False)) - 1, 0)


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
        raise InputError(f"{path}: no header row of a {kind} file found")
    if found != kind and not (kind == GOOGLE and found == GOOGLE):
        raise InputError(f"{path}: this looks like a {found} file, not {kind}; try --format {found}")
    if kind == GOOGLE:
        plan = _numbered_plan(header)
        convert = lambda cells, where: _google(cells, where, plan)  # noqa: E731
    else:
        convert = {LINKEDIN: _linkedin, RELTERM: _relterm}[kind]
    name = Path(path).name
    for line, row in rows:
        where = f"{name}: line {line}"
        if row and row[0] == "\x00csv-error":
            yield BadRecord(where, f"cannot read the row: {row[1]}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            yield BadRecord(where, f"{len(row)} cells where the header has {len(header)} columns")
            continue
        cells = dict(zip(header, row))
        try:
            record = convert(cells, where)
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


def _numbered_plan(header: list[str]) -> list[tuple[str, dict[str, str]]]:
    """For each numbered group ("E-mail 2", "Address 1"...), in order: (group, part -> column).
    Worked out once per file, so a row only looks up the cells it needs."""
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for column in header:
        match = _NUMBERED.match(column)
        if match:
            groups.setdefault((match.group(1), match.group(2)), {})[match.group(3)] = column
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], int(item[0][1])))
    return [(group, parts) for (group, _), parts in ordered]


def _google(cells: dict, where: str, plan: list) -> Record:
    record = Record(where=where)

    def get(key: str) -> str:
        value = cells.get(key)
        return value.strip() if value else ""

    if "Given Name" in cells or "Group Membership" in cells:  # the legacy export
        name = get("Name") or " ".join(p for p in (get("Given Name"), get("Additional Name"), get("Family Name")) if p)
    else:
        name = " ".join(p for p in (get("Name Prefix"), get("First Name"), get("Middle Name"), get("Last Name"),
                                    get("Name Suffix")) if p)
        name = name or get("File As")
    nickname = get("Nickname")
    company = get("Organization Name")
    title = get("Organization Title")
    for group, parts in plan:
        if group == "Address":
            formatted = get(parts["Formatted"]) if "Formatted" in parts else ""
            if not formatted:
                got = {part: get(parts[part]) for part in _ADDRESS_PARTS if part in parts}
                town = " ".join(p for p in (got.get("City"), got.get("Region"), got.get("Postal Code")) if p)
                formatted = "\n".join(p for p in (got.get("PO Box"), got.get("Street"), got.get("Extended Address"),
                                                  town, got.get("Country")) if p)
            if not formatted:
                continue
            values = _split_multi(formatted)
        elif group == "Organization":
            company = company or get(parts.get("Name", ""))
            title = title or get(parts.get("Title", ""))
            continue
        else:
            value = cells.get(parts.get("Value", ""))
            if not value:
                continue
            values = _split_multi(value)
        column = parts.get("Label") or parts.get("Type")
        label = _google_label(cells.get(column) or "") if column else ""
        if group == "E-mail":
            record.emails += [(label, v) for v in values]
        elif group == "Phone":
            record.phones += [(label, v) for v in values]
        elif group == "Address":
            record.details += [("address", label, v) for v in values]
        elif group == "Website":
            record.details += [("url", label, v) for v in values]
        elif group == "Relation":
            record.details += [("related", label, v) for v in values]
        else:  # Event, Custom Field, IM
            record.details += [("other", label or group.lower(), v) for v in values]
    if company:
        record.fields["company"] = company
    if title:
        record.fields["title"] = title
    if nickname:
        record.details.append(("other", "nickname", nickname))
    record.name = name or nickname or company or (record.emails[0][1] if record.emails else "")
    birthday = get("Birthday")
    if birthday:
        record.fields["birthday"] = birthday  # checked by the importer, like every birthday
    if cells.get("Notes", "").strip():
        record.fields["notes"] = cells["Notes"]
    labels = get("Labels") or get("Group Membership")
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
                record.ranks[key[6:]] = int(value) if value.strip().lstrip("-").isdigit() else value.strip()
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
