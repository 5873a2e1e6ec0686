"""Shape checks shared by the core's forms and serializers (Django validators, which both run)."""

from __future__ import annotations

import functools
import zoneinfo

from django.core.exceptions import ValidationError


@functools.cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names. Membership in this list, not ``ZoneInfo(key)``: a key is also a
    file path to the loader."""
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def validate_time_zone(value: str) -> None:
    if value not in time_zones():
        raise ValidationError(f"Unknown time zone '{value}'. Use an IANA name such as Europe/Paris.")
