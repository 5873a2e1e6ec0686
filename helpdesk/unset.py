"""``UNSET``: the default of a service's optional keyword arguments that means "leave as it is",
so that ``None`` (or ``""``) can mean "clear it"."""

from __future__ import annotations

import enum


class Unset(enum.Enum):
    UNSET = "unset"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET


def given(arguments: dict, *, exclude: tuple[str, ...] = ()) -> dict:
    """The arguments a caller gave: those that are not ``UNSET``, without the ``exclude`` ones."""
    return {name: value for name, value in arguments.items() if value is not UNSET and name not in exclude}
