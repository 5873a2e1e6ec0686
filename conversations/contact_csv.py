"""The CSV format of contacts, shared by the export and the import: the columns, how a contact
becomes a row (custom attributes as extra columns) and how an uploaded file is read and checked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from conversations.errors import ConversationError
from conversations.models import Contact

COLUMNS = ("email", "first_name", "last_name", "phone_number", "company")
ALIASES = {"phone": "phone_number", "first name": "first_name", "last name": "last_name", "e-mail": "email"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ATTRIBUTE_COLUMNS = 30
FIELD_LENGTHS = {"email": 254, "first_name": 100, "last_name": 100, "phone_number": 40, "company": 200}
ATTRIBUTE_KEY_LENGTH = 50
ATTRIBUTE_VALUE_LENGTH = 500
# A cell starting with one of these runs as a formula in a spreadsheet: the export quotes it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ContactFileError(ConversationError):
    """The uploaded file is not a contacts CSV the import can read."""


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _uncell(text: str) -> str:
    text = (text or "").strip()
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_STARTS else text


class _Line:
    """A file-like object whose ``write`` returns what was written (for a streamed response)."""

    def write(self, value: str) -> str:
        return value


def export_lines(contacts: Iterable[Contact], attribute_keys: list[str]) -> Iterator[str]:
    """The CSV lines (header first) of ``contacts``: one column per attribute key."""
    writer = csv.writer(_Line())
    yield writer.writerow([*COLUMNS, *attribute_keys, "created_at"])
    for contact in contacts:
        attributes = contact.custom_attributes or {}
        yield writer.writerow(
            [
                *(_cell(getattr(contact, column)) for column in COLUMNS),
                *(_cell(attributes.get(key, "")) for key in attribute_keys),
                contact.created_at.isoformat(),
            ]
        )


@dataclass(frozen=True)
class ContactRow:
    line: int
    fields: dict[str, str]
    attributes: dict[str, str]


def _header(raw: list[str]) -> list[str]:
    names = []
    for cell in raw:
        name = " ".join(cell.strip().lstrip("\ufeff").split()).lower()
        names.append(ALIASES.get(name, name.replace(" ", "_")))
    if "email" not in names:
        raise ContactFileError(
            "The first line must name the columns and include 'email' "
            f"(recognised: {', '.join(COLUMNS)}; any other column becomes a custom attribute).",
            field="file",
        )
    if len(set(names)) != len(names):
        raise ContactFileError("A column is named twice in the first line.", field="file")
    extra = [name for name in names if name not in COLUMNS and name != "created_at"]
    if len(extra) > MAX_ATTRIBUTE_COLUMNS:
        raise ContactFileError(f"At most {MAX_ATTRIBUTE_COLUMNS} custom attribute columns.", field="file")
    if any(not name or len(name) > ATTRIBUTE_KEY_LENGTH for name in extra):
        raise ContactFileError(
            f"Every column needs a name of at most {ATTRIBUTE_KEY_LENGTH} characters.", field="file"
        )
    return names


def decode(data: bytes) -> str:
    """The file's text, refused when it is too large, binary or not UTF-8 (or Latin-1)."""
    if not data.strip():
        raise ContactFileError("The file is empty.", field="file")
    if len(data) > MAX_BYTES:
        raise ContactFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file")
    if b"\x00" in data:
        raise ContactFileError("This is not a CSV file (it holds binary data).", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def count_rows(text: str) -> int:
    """Check the header and the size; return how many data rows the file has."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        _header(next(reader, []))
        rows = sum(1 for row in reader if any(cell.strip() for cell in row))
    except csv.Error as error:
        raise ContactFileError(f"The file is not valid CSV: {error}.", field="file")
    if rows == 0:
        raise ContactFileError("The file has no contact below its header line.", field="file")
    if rows > MAX_ROWS:
        raise ContactFileError(
            f"At most {MAX_ROWS:,} contacts per file (this one has {rows:,}).", field="file"
        )
    return rows


def read_rows(text: str) -> Iterator[ContactRow | tuple[int, str]]:
    """Each data row as a ``ContactRow``, or ``(line, error)`` for a row that cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    names = _header(next(reader, []))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, f"not valid CSV: {error}"
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            yield reader.line_num, f"{len(row)} cells but {len(names)} columns"
            continue
        values = dict(zip(names, (_uncell(cell) for cell in row), strict=False))
        too_long = [
            name
            for name, value in values.items()
            if len(value) > FIELD_LENGTHS.get(name, ATTRIBUTE_VALUE_LENGTH)
        ]
        if too_long:
            yield reader.line_num, f"'{too_long[0]}' is too long"
            continue
        fields = {name: values.get(name, "") for name in COLUMNS}
        attributes = {
            name: value
            for name, value in values.items()
            if name not in COLUMNS and name != "created_at" and value
        }
        yield ContactRow(line=reader.line_num, fields=fields, attributes=attributes)
