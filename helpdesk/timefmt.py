"""How the product words a moment (issues 10 and 12), one rule everywhere:

- under a minute either way: "just now" (a few seconds ahead counts too: clocks differ);
- under a day: "5 min ago", "3 h ago", "in 20 min", "in 2 h";
- beyond: the date and time in the time zone given (the organization's, activated per request
  by ``TenantMiddleware``): "Mar 4, 14:05", "Mar 4, 2025, 14:05" in another year;
- on hover (``title``) the full time with the zone's name.

``{% when moment %}`` (``helpdesk/templatetags/parley.py``) renders them in a ``<time>``;
parley.js refreshes the relative ones with the same words."""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone

MINUTE, HOUR, DAY = 60, 3600, 86400
AHEAD_TOLERANCE = 5  # seconds in the future still read "just now"

# Django ``date`` format strings of the absolute styles.
FORMATS = {
    "datetime": "M j, H:i",
    "datetime_year": "M j, Y, H:i",
    "date": "l, F j",
    "date_year": "l, F j, Y",
    "time": "H:i",
}
STYLES = ("relative", "datetime", "date", "time")


def zone_name(tz: dt.tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz.tzname(None) or "UTC")


def localize(moment: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    """``moment`` in ``tz`` (default: the active zone); naive values are taken as the default zone."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment.astimezone(tz or timezone.get_current_timezone())


def relative_text(moment: dt.datetime, now: dt.datetime) -> str | None:
    """The relative wording, or ``None`` a day or more away (then the date is shown)."""
    seconds = (now - moment).total_seconds()
    if -AHEAD_TOLERANCE < seconds < MINUTE:
        return "just now"
    if 0 < seconds < HOUR:
        return f"{int(seconds // MINUTE)} min ago"
    if 0 < seconds < DAY:
        return f"{int(seconds // HOUR)} h ago"
    ahead = -seconds
    if 0 < ahead < MINUTE:
        return "in under a minute"
    if 0 < ahead < HOUR:
        return f"in {int(ahead // MINUTE)} min"
    if 0 < ahead < DAY:
        return f"in {int(ahead // HOUR)} h"
    return None


def absolute_text(moment: dt.datetime, style: str, now: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``datetime`` "Mar 4, 14:05", ``date`` "Wednesday, March 4", ``time`` "14:05"; the year is
    added to dates of another year than ``now``'s (in the same zone)."""
    local = localize(moment, tz)
    if style == "time":
        return dateformat.format(local, FORMATS["time"])
    key = "date" if style == "date" else "datetime"
    if local.year != localize(now, tz).year:
        key += "_year"
    return dateformat.format(local, FORMATS[key])


def full_text(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """The hover text: "Wednesday, March 4, 2026, 14:05:09 (Asia/Kolkata)"."""
    local = localize(moment, tz)
    return f"{dateformat.format(local, 'l, F j, Y, H:i:s')} ({zone_name(local.tzinfo)})"


def moment_text(
    moment: dt.datetime, style: str = "relative", now: dt.datetime | None = None, tz: dt.tzinfo | None = None
) -> str:
    """The visible text of a moment in ``style`` (``relative`` falls back to ``datetime``)."""
    now = now or timezone.now()
    if style == "relative":
        text = relative_text(localize(moment, tz), now)
        if text is not None:
            return text
        style = "datetime"
    return absolute_text(moment, style, now, tz)
