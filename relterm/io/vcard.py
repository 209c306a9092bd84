"""vCard 2.1, 3.0 and 4.0 in (one file or a vdir of .vcf files), vCard 3.0 out.

Reading: the file is split into cards, and two things real exports get wrong
are repaired line by line: quoted-printable soft line breaks (which vobject
cannot read across lines) and embedded photos (dropped and counted; broken
base64 in them would fail the card). Each card's lines are parsed with the
grammar of vobject's line parser (reimplemented in one pass: see
``parse_line``) and decoded here (see "Decoding one card"). A card that cannot
be parsed, or that lacks its END:VCARD, is reported and skipped; the others
still import. Every step costs the same per line, so a file reads at the same
MB/s whatever its shape (one value folded over a million lines, 200k
categories, 40k emails in one card).

Writing is vobject's (serialisation, escaping, line folding).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Iterable, Iterator, Optional

import vobject

from ..errors import InputError
from ..sanitize import clean_line
from .common import BadRecord, Record, iter_lines, parse_birthday, read_bytes

# Properties whose values are binary blobs: skipped on import.
_BLOBS = ("PHOTO", "LOGO", "SOUND", "KEY")
_BLOB_LINE = re.compile(r"^(?:[A-Za-z0-9-]+\.)?(PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_PROP_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")
_AGENT_LINE = re.compile(r"^(?:[A-Za-z0-9-]+\.)?AGENT(?:;[^:]*)?:\s*$", re.IGNORECASE)
_BEGIN = "BEGIN:VCARD"
_END = "END:VCARD"

# TYPE values that say nothing a person would call a label.
_NOISE_TYPES = {"internet", "pref", "voice", "x400", "intl", "postal", "parcel", "dom", "text", "uri"}

# Extra properties kept as "other" details, with the label they get.
_OTHER_PROPS = {
    "NICKNAME": "nickname",
    "IMPP": "impp",
    "X-SOCIALPROFILE": "social",
    "X-SKYPE": "skype",
    "X-JABBER": "jabber",
    "X-TWITTER": "twitter",
    "ANNIVERSARY": "anniversary",
    "X-ANNIVERSARY": "anniversary",
    "X-MS-IMADDRESS": "im",
}

INTRODUCED_BY_TYPE = "x-introduced-by"
RELTERM_PREFIX = "X-RELTERM-"


# Splitting a file into cards ------------------------------------------------------------


def split_cards(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str], int, Optional[str]]]:
    """Yield (card number, first line number, repaired lines, photos dropped, problem) for each card.

    ``problem`` is None for a whole card, else why the card is broken: a
    ``BEGIN:VCARD`` while it was open (its ``END:VCARD`` is missing; the new
    card is read from there), or the end of the file before its ``END:VCARD``.
    A broken card is reported, never imported: its last lines may be missing
    (a file cut short), and importing half a card would store half a note
    without a word. Only a card right after an empty ``AGENT:`` line (vCard 2.1
    embeds the agent's card there) may sit inside another.

    Reads ``lines`` once, front to back, so a 100k-card file is never held in
    memory whole; every step costs the same per line, whatever the card's shape.
    """
    source = iter(lines)
    lineno = 0
    pushed: list[tuple[str, int]] = []

    def take() -> Optional[str]:
        nonlocal lineno
        if pushed:
            line, lineno = pushed.pop()
            return line
        raw = next(source, None)
        if raw is None:
            return None
        lineno += 1
        return raw.rstrip("\r\n")

    def push(line: str) -> None:
        pushed.append((line, lineno))

    def marker(line: str) -> str:
        # Only an unindented line begins or ends a card: an indented one continues a folded value.
        return line.rstrip().upper() if len(line) < 40 else ""

    number = 0
    while True:
        line = take()
        if line is None:
            return
        if marker(line) != _BEGIN:
            continue
        number += 1
        start = lineno
        card: list[str] = [_BEGIN]
        photos = 0
        depth = 1
        problem: Optional[str] = None
        agent = False  # the last property was an empty AGENT: a nested card may follow
        while True:
            line = take()
            if line is None:
                problem = f"the file ends before this card's {_END} (cut short?); not imported"
                break
            upper = marker(line)
            if upper == _BEGIN:
                if not agent:
                    push(line)
                    problem = f"{_BEGIN} at line {lineno} before this card's {_END}; not imported"
                    break
                depth += 1
            elif upper == _END:
                depth -= 1
                if depth == 0:
                    break
            if not line.strip():
                continue
            agent = line[:1] not in " \t" and _AGENT_LINE.match(line) is not None
            if _BLOB_LINE.match(line):
                photos += 1
                # Continuation lines: folded (leading blank), or raw base64 of vCard 2.1 (no colon).
                while True:
                    nxt = take()
                    if nxt is None:
                        break
                    if marker(nxt) in (_END, _BEGIN) or not (
                            not nxt.strip() or nxt[:1] in " \t" or ":" not in nxt):
                        push(nxt)
                        break
                continue
            if line[:1] not in " \t" and "QUOTED-PRINTABLE" in line.split(":", 1)[0].upper():
                # Join soft line breaks ("=" at the end of a line) before the line is parsed.
                pieces = []
                while line.endswith("="):
                    nxt = take()
                    if nxt is None:
                        break
                    if marker(nxt) in (_END, _BEGIN):
                        push(nxt)
                        break
                    pieces.append(line[:-1])
                    line = nxt[1:] if nxt[:1] in " \t" else nxt
                if pieces:
                    pieces.append(line)
                    line = "".join(pieces)
            card.append(line)
        card.append(_END)
        yield number, start, card, photos, problem


# Decoding one card --------------------------------------------------------------------------
#
# Lines are parsed by vobject's own line grammar (that of vobject.base.parseLine:
# group, name, parameters with quoting, value), read by ``parse_line``. Values
# are decoded here rather than by vobject's object layer, for two reasons: that layer keeps only the text before
# the first unescaped comma of most properties ("FN:Smith, John" becomes
# "Smith", and real exports rarely escape commas), and it costs more than half
# of the parse time, which matters for 100k-card imports.

_STRUCTURED = {"N", "ADR", "ORG"}  # components separated by ";"
_LISTS = {"CATEGORIES"}  # values separated by ","
_ESCAPED_OR = {sep: re.compile(r"\\(.)|" + sep) for sep in (";", ",")}
_ESCAPE = re.compile(r"\\(.)")


class Prop:
    """One property of a card: what vobject's ContentLine holds, decoded."""

    __slots__ = ("name", "group", "params", "singletonparams", "value")

    def __init__(self, name, group, params, singletonparams, value):
        self.name, self.group, self.params, self.singletonparams, self.value = (
            name, group, params, singletonparams, value)


class Card:
    """A parsed card: its properties in order."""

    __slots__ = ("props",)

    def __init__(self, props: list[Prop]):
        self.props = props

    def getChildren(self) -> list[Prop]:
        return self.props


def _unescape_char(m: re.Match) -> str:
    char = m.group(1)
    return "\n" if char in "nN" else char


def unescape(text: str) -> str:
    return _ESCAPE.sub(_unescape_char, text) if "\\" in text else text


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on unescaped ``sep`` and unescape each part."""
    if "\\" not in text:
        return text.split(sep)
    parts, current = [], []
    last = 0
    for m in _ESCAPED_OR[sep].finditer(text):
        current.append(text[last:m.start()])
        if m.group(1) is None:
            parts.append("".join(current))
            current = []
        else:
            current.append("\n" if m.group(1) in "nN" else m.group(1))
        last = m.end()
    current.append(text[last:])
    parts.append("".join(current))
    return parts


class _Fields:
    """Components of N or ADR by name, as vobject names them."""

    __slots__ = ("family", "given", "additional", "prefix", "suffix",
                 "box", "extended", "street", "city", "region", "code", "country")

    def __init__(self, names: tuple[str, ...], values: list[str]):
        for slot in self.__slots__:
            setattr(self, slot, "")
        for name, value in zip(names, values):
            setattr(self, name, value)


_N_FIELDS = ("family", "given", "additional", "prefix", "suffix")
_ADR_FIELDS = ("box", "extended", "street", "city", "region", "code", "country")


def _decode_qp(value: str, charset: str) -> str:
    import quopri

    raw = quopri.decodestring(value.encode("utf-8", errors="replace"))
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return raw.decode("utf-8", errors="replace")


# A content line up to its colon: [group.]name, then parameters. Every parameter starts with ";", a
# value is quoted or runs to the next , ; : or quote, so the line has one reading and the atomic
# groups stop the regex from trying others: a line without its colon fails in one pass. (vobject's
# own pattern backtracks exponentially there: thirty ";P=v" without a colon take minutes.)
_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_LINE = re.compile(rf'(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)(;?(?>;[A-Za-z0-9_-]+(?>={_VALUE}(?:,{_VALUE})*)?)*+):')
# The same without quotes, the usual case: its parameters split on ";", "=" and ",".
_PLAIN_LINE = re.compile(r'(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)((?>;[A-Za-z0-9_-]+(?>=[^";:]*)?)*+):')
_PARAM = re.compile(rf';([A-Za-z0-9_-]+)(?:=({_VALUE}(?:,{_VALUE})*))?')
_PARAM_VALUE = re.compile(r'"([^"]*)"|([^";:,]+)')


def parse_line(line: str) -> tuple[str, list[list[str]], str, Optional[str]]:
    """(name, parameters, value, group) of one content line, as vobject's ``parseLine`` gives them.

    Each parameter is a list: its name, then its values (quoted values without
    their quotes; an empty unquoted value left out). Costs time in proportion
    to the line's length, whatever it holds. Raises ValueError for a line that
    is not ``[group.]name[;param...]:value``.
    """
    match = _PLAIN_LINE.match(line)
    if match is not None:
        group, name, text = match.group(1, 2, 3)
        params = []
        if text:
            for item in text[1:].split(";"):
                key, _, values = item.partition("=")
                params.append([key, *(v for v in values.split(",") if v)] if values else [key])
        return name.replace("_", "-"), params, line[match.end():], group
    match = _LINE.match(line)
    if match is None:
        if ":" not in line:
            raise ValueError("no colon after the property name and parameters")
        raise ValueError("not a property name and parameters before the colon (an unclosed quote?)")
    group, name, text = match.group(1, 2, 3)
    params = []
    for key, values in _PARAM.findall(text):
        if not values:
            params.append([key])
        elif '"' not in values:
            params.append([key, *(v for v in values.split(",") if v)])
        else:
            params.append([key, *(quoted or plain for quoted, plain in _PARAM_VALUE.findall(values))])
    return name.replace("_", "-"), params, line[match.end():], group


def parse_card(lines: list[str]) -> Card:
    """Parse the repaired lines of one card (BEGIN and END included); raises on a malformed line."""
    # Unfold: a line starting with a blank continues the one before. Pieces are joined once per
    # logical line (adding to a string in a list copies it each time: a value folded over a
    # million lines would take hours).
    logical: list[str] = []
    pieces: list[str] = []
    for line in lines[1:-1]:
        if line[:1] in (" ", "\t") and pieces:
            pieces.append(line[1:])
        else:
            if pieces:
                logical.append(pieces[0] if len(pieces) == 1 else "".join(pieces))
            pieces = [line]
    if pieces:
        logical.append(pieces[0] if len(pieces) == 1 else "".join(pieces))
    props: list[Prop] = []
    depth = 0
    for line in logical:
        if line[:1] in "BbEe":
            upper = line[:6].upper()
            if upper.startswith("BEGIN:"):
                depth += 1
                continue
            if upper.startswith("END:"):
                depth -= 1
                continue
        if depth:
            continue  # a card nested inside another (vCard 2.1 AGENT): not imported
        try:
            name, plist, value, group = parse_line(line)
        except ValueError as exc:
            raise ValueError(f"cannot read the line {line[:80]!r} ({exc})") from None
        name = name.upper()
        params: dict[str, list[str]] = {}
        singles: list[str] = []
        for item in plist:
            if len(item) == 1:
                singles.append(item[0])
            else:
                params.setdefault(item[0].upper(), []).extend(item[1:])
        if singles or "ENCODING" in params:
            encoding = [e.upper() for e in params.get("ENCODING", [])] + [s.upper() for s in singles]
            if "QUOTED-PRINTABLE" in encoding:
                value = _decode_qp(value, params.get("CHARSET", ["utf-8"])[0])
            elif "B" in encoding or "BASE64" in encoding:
                continue  # binary data in a property other than a photo: nothing to import
        if name in _STRUCTURED:
            parts = split_escaped(value, ";")
            if name == "N":
                value = _Fields(_N_FIELDS, parts)
            elif name == "ADR":
                value = _Fields(_ADR_FIELDS, parts)
            else:
                value = parts
        elif name in _LISTS:
            value = split_escaped(value, ",")
        else:
            value = unescape(value)
        props.append(Prop(name, group, params, singles, value))
    return Card(props)


# Reading one card ----------------------------------------------------------------------------


def _types(child) -> list[str]:
    found: list[str] = []
    for value in child.params.get("TYPE", []):
        found += [part.strip().lower() for part in value.split(",") if part.strip()]
    found += [p.lower() for p in getattr(child, "singletonparams", [])]
    return found


# (TYPE values, other parameters without a value, PREF) -> (label, preferred): a card or a file
# repeats a handful of combinations, and working each out again costs more than the rest of the line.
_LABELS: dict = {}


def _label(child, group_labels: dict) -> tuple[str, bool]:
    """(label, preferred) of a property from its TYPE parameters or an Apple item label."""
    params = child.params
    key = (tuple(params.get("TYPE", ())), tuple(child.singletonparams), bool(params.get("PREF")))
    found = _LABELS.get(key)
    if found is None:
        types = _types(child)
        preferred = "pref" in types or key[2]
        label = ",".join(t for t in types
                         if t not in _NOISE_TYPES and not t.startswith("x-") or t == INTRODUCED_BY_TYPE)
        found = (label, preferred)
        if len(_LABELS) < 4096:
            _LABELS[key] = found
    if child.group and child.group.lower() in group_labels:
        return group_labels[child.group.lower()], found[1]
    return found


def _apple_label(value: str) -> str:
    # "_$!<Mobile>!$_" is Apple's way of naming a built-in label; custom labels keep their case.
    match = re.fullmatch(r"_\$!<(.*)>!\$_", value.strip())
    return match.group(1).strip().lower() if match else value.strip()


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value if str(v).strip())
    return str(value) if value is not None else ""


def _format_address(adr) -> str:
    parts = [_text(adr.box), _text(adr.extended), _text(adr.street)]
    town = " ".join(p for p in (_text(adr.city), _text(adr.region), _text(adr.code)) if p.strip())
    lines = [p.strip() for p in parts + [town, _text(adr.country)] if p and p.strip()]
    return "\n".join(lines)


def card_to_record(component, where: str) -> Record:
    record = Record(where=where)
    group_labels = {}
    for child in component.getChildren():
        if child.name == "X-ABLABEL" and child.group:
            group_labels[child.group.lower()] = _apple_label(_text(child.value))
    name_parts = None
    emails: list[tuple[str, str, bool]] = []
    phones: list[tuple[str, str, bool]] = []
    notes: list[str] = []
    for child in component.getChildren():
        prop = child.name
        value = child.value
        if prop == "FN":
            record.name = _text(value)
        elif prop == "N":
            name_parts = value
        elif prop == "ORG":
            parts = value if isinstance(value, (list, tuple)) else [value]
            record.fields["company"] = _text(parts[0]) if parts else ""
        elif prop == "TITLE":
            record.fields["title"] = _text(value)
        elif prop == "ROLE" and "title" not in record.fields:
            record.fields["title"] = _text(value)
        elif prop == "EMAIL":
            address = _text(value).strip()
            if address:
                label, pref = _label(child, group_labels)
                emails.append((label, address, pref))
        elif prop == "TEL":
            label, pref = _label(child, group_labels)
            number = _text(value).strip()
            if number.lower().startswith("tel:") and child.params.get("VALUE", [""])[0].lower() == "uri":
                number = number[4:]
            if number:
                phones.append((label, number, pref))
        elif prop == "ADR":
            label, _ = _label(child, group_labels)
            text = _format_address(value) if hasattr(value, "street") else _text(value)
            if text:
                record.details.append(("address", label, text))
        elif prop == "URL":
            label, _ = _label(child, group_labels)
            if _text(value).strip():
                record.details.append(("url", label, _text(value).strip()))
        elif prop == "BDAY":
            omit = child.params.get("X-APPLE-OMIT-YEAR", [None])[0]
            try:
                record.fields["birthday"] = parse_birthday(_text(value), omit_year=omit)
            except InputError as exc:
                record.warnings.append(f"{where}: birthday left out: {exc}")
        elif prop == "NOTE":
            if _text(value).strip():
                notes.append(_text(value))
        elif prop == "CATEGORIES":
            items = value if isinstance(value, (list, tuple)) else _text(value).split(",")
            # "myContacts" is Google's name for "all contacts", not a tag anyone chose.
            for item in items:
                tag = str(item)
                bare = tag.strip()
                if bare and bare.lower() != "mycontacts":
                    record.tags.append(tag)
        elif prop == "UID":
            uid = _text(value).strip()
            if uid:
                record.fields["uid"] = uid
        elif prop == "RELATED":
            label, _ = _label(child, group_labels)
            target = _text(value).strip()
            if INTRODUCED_BY_TYPE in _types(child):
                record.introduced_by = target
            elif target:
                record.details.append(("related", label, target))
        elif prop == "X-ABRELATEDNAMES":
            label, _ = _label(child, group_labels)
            if _text(value).strip():
                record.details.append(("related", label, _text(value).strip()))
        elif prop == "X-ABDATE":
            label, _ = _label(child, group_labels)
            if _text(value).strip():
                record.details.append(("other", label or "date", _text(value).strip()))
        elif prop in ("ANNIVERSARY", "X-ANNIVERSARY"):
            try:  # checked as a birthday is: a real date in range ("--MM-DD" when the year is unknown)
                day = parse_birthday(_text(value), what="anniversary")
            except InputError as exc:
                record.warnings.append(f"{where}: anniversary left out: {exc}")
            else:
                if day:
                    record.details.append(("other", _OTHER_PROPS[prop], day))
        elif prop in _OTHER_PROPS:
            if _text(value).strip():
                record.details.append(("other", _OTHER_PROPS[prop], _text(value).strip()))
        elif prop in _BLOBS:
            record.warnings.append("photo")
        elif prop.startswith(RELTERM_PREFIX):
            _relterm_property(record, child, prop[len(RELTERM_PREFIX):].lower(), group_labels)
    if not record.name and name_parts is not None:
        pieces = [_text(name_parts.prefix), _text(name_parts.given), _text(name_parts.additional),
                  _text(name_parts.family), _text(name_parts.suffix)]
        record.name = " ".join(p.strip() for p in pieces if p and p.strip())
    if not record.name.strip():
        record.name = record.fields.get("company", "") or (emails[0][1] if emails else "")
    # The preferred address first: it becomes the contact's primary one.
    emails.sort(key=lambda item: not item[2])
    phones.sort(key=lambda item: not item[2])
    record.emails = [(label, value) for label, value, _ in emails]
    record.phones = [(label, value) for label, value, _ in phones]
    if notes:
        record.fields["notes"] = "\n\n".join(notes)
    return record


def _relterm_property(record: Record, child, key: str, group_labels: dict) -> None:
    value = _text(child.value).strip()
    if key == "no-primary":
        # A contact with further emails (or phones) but no primary one, as relterm exports it.
        if value.lower() == "email":
            record.email_primary = False
        elif value.lower() == "phone":
            record.phone_primary = False
    elif key == "level":
        ladder = child.params.get("LADDER", [""])[0].strip()
        if ladder and value:
            record.ranks[ladder] = value  # "3" or "Conversant": parse_level reads either
    elif key == "other":
        label = child.params.get("LABEL", [""])[0]
        if value:
            record.details.append(("other", label, value))
    elif key == "detail":
        kind = child.params.get("KIND", ["other"])[0].lower()
        label = child.params.get("LABEL", [""])[0] or group_labels.get((child.group or "").lower(), "")
        if value:
            record.details.append((kind, label, value))
    else:
        record.fields[key.replace("-", "_")] = value


def _vdir_files(path: Path) -> list[Path]:
    """The .vcf (and .vcard) entries of a vdir, by name; whether each is a file is checked on opening."""
    return sorted(p for p in path.iterdir() if p.suffix.lower() in (".vcf", ".vcard"))


def read_vcards(path: Path) -> Iterator[Record | BadRecord]:
    """Every card in a .vcf file, or in every .vcf file of a directory (a vdir).

    In a vdir, an entry named ``*.vcf`` that is not a regular file (a FIFO, a
    device, a directory, a symbolic link to nothing) is reported and skipped;
    a single file that is not a regular file stops the import (InputError).
    """
    path = Path(path)
    vdir = path.is_dir()
    files = _vdir_files(path) if vdir else [path]
    for file in files:
        label = clean_line(file.name if vdir else str(file))
        try:
            cards = split_cards(iter_lines(file))
            first = next(cards, None)
        except InputError as exc:
            if not vdir:
                raise
            yield BadRecord(label, f"{_after_name(str(exc), file)}; skipped")
            continue
        if first is None:
            continue
        for number, line, lines, photos, problem in itertools.chain((first,), cards):
            where = f"{label}: card {number} (line {line})"
            if problem:
                yield BadRecord(where, problem)
                continue
            try:
                record = card_to_record(parse_card(lines), where)
            except Exception as exc:  # a broken card of any kind is reported and skipped, never fatal
                yield BadRecord(where, f"cannot read the card: {_reason(exc)}")
                continue
            record.warnings += ["photo"] * photos
            yield record


def _after_name(message: str, file: Path) -> str:
    """An InputError's text without the path it starts with (the report names the file already)."""
    text = message
    for prefix in (clean_line(str(file)) + ": ", clean_line(str(file)) + " "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def count_cards(path: Path) -> int:
    path = Path(path)
    vdir = path.is_dir()
    files = _vdir_files(path) if vdir else [path]
    total = 0
    pattern = re.compile(rb"^BEGIN:VCARD[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
    for file in files:
        try:
            total += len(pattern.findall(read_bytes(file)))
        except InputError:
            if not vdir:
                raise  # one file that is not a regular file: said before anything is read
    return total


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # vobject counts lines within the card it was given; the card's own line is in the report already.
    return re.sub(r"^At line \d+: ", "", text)[:200]


# Writing -----------------------------------------------------------------------------------

_SIMPLE_TYPE = re.compile(r"^[a-z0-9-]+$")
_SIMPLE_PARAM = re.compile(r"^[A-Za-z0-9 ._-]+$")


def _set_label(card, prop, label: str, counter: list[int], param: str = "TYPE") -> None:
    """TYPE=label when it is plain lower-case words (comma separated); else an Apple item label,
    which keeps any text exactly."""
    if not label:
        return
    if param == "TYPE":
        parts = label.split(",")
        if all(_SIMPLE_TYPE.match(p) and p not in _NOISE_TYPES and not p.startswith("x-") for p in parts):
            prop.params["TYPE"] = parts
            return
    elif _SIMPLE_PARAM.match(label) and label == label.strip():
        prop.params[param] = [label]
        return
    counter[0] += 1
    group = f"item{counter[0]}"
    prop.group = group
    tag = card.add("x-ablabel")
    tag.group = group
    tag.value = label


def _split_name(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name, "")


# ContactDetail kind -> the vCard property that carries it (with a TYPE label).
_DETAIL_PROPERTIES = {"email": "email", "phone": "tel", "address": "adr", "url": "url", "related": "related"}


def contact_to_vcard(data: dict) -> str:
    """One contact (as built by ``relterm.io.export.contact_data``) as a vCard 3.0 text."""
    card = vobject.vCard()
    counter = [0]
    card.add("version").value = "3.0"
    card.add("uid").value = data["uid"]
    card.add("fn").value = data["name"]
    given, family = _split_name(data["name"])
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if data.get("company"):
        card.add("org").value = [data["company"]]
    if data.get("title"):
        card.add("title").value = data["title"]
    if data.get("email"):
        prop = card.add("email")
        prop.value = data["email"]
        prop.params["TYPE"] = ["INTERNET", "pref"]
    if data.get("phone"):
        prop = card.add("tel")
        prop.value = data["phone"]
        prop.params["TYPE"] = ["pref"]
    for kind, label, value in data.get("details", ()):
        if kind in _DETAIL_PROPERTIES:
            prop = card.add(_DETAIL_PROPERTIES[kind])
            prop.value = vobject.vcard.Address(street=value) if kind == "address" else value
            _set_label(card, prop, label, counter)
        elif kind == "other" and label == "nickname":
            card.add("nickname").value = value
        else:
            prop = card.add("x-relterm-detail")
            prop.value = value
            prop.params["KIND"] = [kind]
            _set_label(card, prop, label, counter, param="LABEL")
    birthday = data.get("birthday")
    if birthday:
        # vCard 4.0's year-less form (--MMDD), which khard and most clients read; never Apple's 1604.
        card.add("bday").value = "--" + birthday[2:].replace("-", "") if birthday.startswith("--") else birthday
    if data.get("notes"):
        card.add("note").value = data["notes"]
    if data.get("tags"):
        card.add("categories").value = list(data["tags"])
    if data.get("introduced_by_uid"):
        prop = card.add("related")
        prop.value = f"urn:uuid:{data['introduced_by_uid']}"
        prop.params["TYPE"] = [INTRODUCED_BY_TYPE]
    for kind, primary in (("email", data.get("email")), ("phone", data.get("phone"))):
        if not primary and any(k == kind for k, _, _ in data.get("details", ())):
            card.add("x-relterm-no-primary").value = kind
    for ladder, rank in sorted(data.get("ranks", {}).items()):
        prop = card.add("x-relterm-level")
        prop.value = str(rank)
        prop.params["LADDER"] = [ladder]
    for key, value in data.get("extra", {}).items():
        if value is None or value == "" or value is False:
            continue
        card.add(RELTERM_PREFIX.lower() + key.replace("_", "-")).value = str(value)
    return card.serialize()
