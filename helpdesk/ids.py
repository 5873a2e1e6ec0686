"""Row ids taken from requests: positive integers that fit a signed 64-bit column.

SQLite (and PostgreSQL's bigint) cannot hold a larger integer: a query with one raises
``OverflowError``/``DataError`` instead of matching nothing, so every id that comes from a body, a
filter or a path is bounded here first."""

from __future__ import annotations

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """``value`` as a row id, or None when it is not a positive integer within ``MAX_ID``
    (booleans are not ids)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values) -> list[int] | None:
    """Every value as a row id, or None when any of them is not one."""
    ids = [parse_id(value) for value in values]
    return None if any(value is None for value in ids) else ids
