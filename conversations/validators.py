"""Shape checks of SLA settings shared by the UI forms and the API serializers. Each returns the
value in its stored form or raises Django's ``ValidationError`` (which forms and DRF both show on
the field); the services then check only business rules."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from conversations import business_time
from conversations.models import Priority
from helpdesk.ids import parse_ids
from helpdesk.validators import validate_time_zone

TARGET_MINUTES_RANGE = (1, 60 * 24 * 365)
CONDITION_KEYS = ("priority", "inbox_id", "channel")


def clean_timezone(name: str) -> str:
    validate_time_zone(name)
    return name


def clean_hours(hours) -> dict:
    """``{"Monday": {"open": "09:00", "close": "18:00"}}`` → ``{"monday": [{"open": …, "close": …}]}``:
    weekdays lower-case, each day a list of well-formed, ordered, non-overlapping intervals."""
    try:
        business_time.parse_hours(hours if hours is not None else {})
    except business_time.ScheduleError as error:
        raise ValidationError(str(error))
    normalized = {}
    for key, value in (hours or {}).items():
        intervals = value if isinstance(value, list) else ([value] if value else [])
        normalized[str(key).strip().lower()] = [
            {"open": str(item["open"]), "close": str(item["close"])} for item in intervals
        ]
    return normalized


def clean_holidays(holidays) -> list[dict]:
    """Dates (``"2025-12-25"`` or ``{"date": …, "name": …}``) → ``[{"date": …, "name": …}]``."""
    try:
        business_time.parse_holidays(holidays if holidays is not None else [])
    except business_time.ScheduleError as error:
        raise ValidationError(str(error))
    return [
        {"date": str(item.get("date")), "name": str(item.get("name") or "")}
        if isinstance(item, dict)
        else {"date": str(item), "name": ""}
        for item in holidays or []
    ]


def clean_conditions(conditions) -> dict:
    """``{"priority": ["high"], "inbox_id": [1], "channel": ["Email"]}`` with known keys, priority
    labels as stored and ids as numbers; a single value counts as a list of one."""
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise ValidationError("conditions must be an object.")
    unknown = set(conditions) - set(CONDITION_KEYS)
    if unknown:
        raise ValidationError(
            f"Unknown condition(s) {', '.join(sorted(map(str, unknown)))}; use {', '.join(CONDITION_KEYS)}."
        )
    labels = {choice.label.lower(): choice.label for choice in Priority}
    cleaned = {}
    for key, value in conditions.items():
        values = value if isinstance(value, list) else [value]
        if key == "priority":
            bad = [str(v) for v in values if str(v).lower() not in labels]
            if bad:
                raise ValidationError(f"Unknown priority '{bad[0]}'.")
            cleaned[key] = [labels[str(v).lower()] for v in values]
        elif key == "inbox_id":
            ids = parse_ids(values)
            if ids is None:
                raise ValidationError("inbox_id must be a list of ids.")
            cleaned[key] = ids
        else:
            cleaned[key] = [str(v).lower() for v in values]
    return cleaned


# --- saved views ---------------------------------------------------------------------------------

FILTER_LIST_KEYS = ("status", "priority", "team_id", "tags", "inbox_id")
FILTER_DATE_KEYS = ("created_after", "created_before")  # inclusive days, YYYY-MM-DD
FILTER_KEYS = (*FILTER_LIST_KEYS, "assignee", "text", *FILTER_DATE_KEYS)


def clean_view_filters(filters) -> dict:
    """Validate a view's filters: lists for status (names), priority (names), team_id, tags,
    inbox_id; assignee "me", "none" or a list of agent ids; text a string."""
    if filters in (None, "", []):
        return {}  # no filters at all (Libredesk clients send an empty list)
    if not isinstance(filters, dict):
        raise ValidationError("filters must be an object.")
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValidationError(
            f"Unknown filter(s) {', '.join(sorted(unknown))}; use {', '.join(FILTER_KEYS)}."
        )
    cleaned: dict = {}
    for key in FILTER_LIST_KEYS:
        if key not in filters or filters[key] in (None, [], ""):
            continue
        values = filters[key] if isinstance(filters[key], list) else [filters[key]]
        if key in ("team_id", "inbox_id"):
            values = parse_ids(values)
            if values is None:
                raise ValidationError(f"{key} must be a list of ids.")
        elif key == "priority":
            labels = {choice.label.lower(): choice.label for choice in Priority}
            if any(str(value).lower() not in labels for value in values):
                raise ValidationError(f"priority must be among {', '.join(Priority.labels)}.")
            values = [labels[str(value).lower()] for value in values]
        else:
            values = [str(value).strip() for value in values if str(value).strip()]
        cleaned[key] = values
    assignee = filters.get("assignee")
    if assignee not in (None, "", []):
        if assignee in ("me", "none"):
            cleaned["assignee"] = assignee
        else:
            values = assignee if isinstance(assignee, list) else [assignee]
            cleaned["assignee"] = parse_ids(values)
            if cleaned["assignee"] is None:
                raise ValidationError('assignee must be "me", "none" or a list of agent ids.')
    text = filters.get("text")
    if text:
        cleaned["text"] = str(text).strip()[:200]
    for key in FILTER_DATE_KEYS:
        if filters.get(key):
            try:
                cleaned[key] = date.fromisoformat(str(filters[key])).isoformat()
            except ValueError:
                raise ValidationError(f"{key} must be a date (YYYY-MM-DD).") from None
    return cleaned
