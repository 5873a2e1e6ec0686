"""Forms of the SLA settings (admins): policies and business hours with their weekly grid. Their
shape checks are ``conversations.validators``, which the API's serializers use too."""

from __future__ import annotations

from django import forms

from conversations import validators
from conversations.business_time import WEEKDAYS
from conversations.models import Priority
from conversations.validators import TARGET_MINUTES_RANGE
from helpdesk.forms import DomainErrorsMixin, timezone_choices

TARGET = {"required": False, "min_value": TARGET_MINUTES_RANGE[0], "max_value": TARGET_MINUTES_RANGE[1]}


class SLAPolicyForm(DomainErrorsMixin, forms.Form):
    field_aliases = {"business_hours_id": "business_hours", "conditions": "priorities"}

    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=500, required=False)
    first_response_minutes = forms.IntegerField(
        **TARGET, label="First response (minutes)", help_text="e.g. 60 for one hour"
    )
    next_response_minutes = forms.IntegerField(
        **TARGET, label="Next response (minutes)", help_text="After each customer message"
    )
    resolution_minutes = forms.IntegerField(
        **TARGET, label="Resolution (minutes)", help_text="e.g. 1440 for one day"
    )
    priorities = forms.MultipleChoiceField(
        required=False,
        choices=[(choice.label, choice.label) for choice in Priority],
        widget=forms.CheckboxSelectMultiple,
        label="Only for priorities",
        help_text="None ticked: every priority.",
    )
    inboxes = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only for inboxes",
        help_text="None: every inbox.",
    )
    business_hours = forms.ChoiceField(
        required=False,
        label="Business hours",
        help_text="Deadlines count only open hours. A team's own business hours win.",
    )
    position = forms.IntegerField(
        min_value=0, initial=0, help_text="Lower first: the first active policy that matches applies."
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, inboxes=(), business_hours=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inboxes"].choices = [(str(inbox.pk), inbox.name) for inbox in inboxes]
        self.fields["business_hours"].choices = [("", "Calendar time (24/7)")] + [
            (str(hours.pk), hours.name) for hours in business_hours
        ]

    def service_fields(self) -> dict:
        """The cleaned data as ``sla_policy_create``/``sla_policy_update`` take it."""
        data = dict(self.cleaned_data)
        priorities, inboxes, hours_id = (
            data.pop("priorities"),
            data.pop("inboxes"),
            data.pop("business_hours"),
        )
        conditions = {"priority": priorities, "inbox_id": inboxes}
        data["conditions"] = validators.clean_conditions(
            {key: value for key, value in conditions.items() if value}
        )
        return {**data, "business_hours_id": int(hours_id) if hours_id else None}

    @staticmethod
    def initial_for(policy) -> dict:
        conditions = policy.conditions or {}
        return {
            "name": policy.name,
            "description": policy.description,
            "first_response_minutes": policy.first_response_minutes,
            "next_response_minutes": policy.next_response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "priorities": conditions.get("priority", []),
            "inboxes": [str(pk) for pk in conditions.get("inbox_id", [])],
            "business_hours": str(policy.business_hours_id or ""),
            "position": policy.position,
            "is_active": policy.is_active,
        }


class BusinessHoursForm(DomainErrorsMixin, forms.Form):
    """Name, time zone and holidays; the weekly grid comes as ``<day>-open`` (checkbox),
    ``<day>-from``/``<day>-to`` and an optional second interval ``<day>-from2``/``<day>-to2``."""

    field_aliases = {"hours": "schedule", "holidays": "holidays_text"}

    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=500, required=False)
    timezone = forms.ChoiceField(choices=(), initial="UTC", label="Time zone")
    is_always_open = forms.BooleanField(required=False, label="Open 24/7 (ignore the weekly schedule)")
    holidays_text = forms.CharField(
        required=False,
        label="Holidays",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2025-12-25 Christmas Day"}),
        help_text="One per line: a date (YYYY-MM-DD) and an optional name. Closed all day.",
    )
    schedule = forms.CharField(required=False, widget=forms.HiddenInput)  # carries grid errors

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()

    def clean_holidays_text(self) -> list[dict]:
        holidays = []
        for number, line in enumerate((self.cleaned_data.get("holidays_text") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _, name = line.partition(" ")
            if len(day) != 10 or day[4] != "-" or day[7] != "-":
                raise forms.ValidationError(f"Line {number}: start with a date like 2025-12-25.")
            holidays.append({"date": day, "name": name.strip()})
        return validators.clean_holidays(holidays)

    def clean_schedule(self) -> dict:
        """The weekly grid (``schedule_from_post``), checked like the API's ``hours``."""
        return validators.clean_hours(schedule_from_post(self.data)[0])

    def service_fields(self) -> dict:
        """The cleaned data as ``business_hours_create``/``business_hours_update`` take it."""
        data = dict(self.cleaned_data)
        hours, holidays = data.pop("schedule"), data.pop("holidays_text")
        return {**data, "hours": hours, "holidays": holidays}


def schedule_rows(hours: dict) -> list[dict]:
    """The weekly grid's rows for stored ``hours`` (Monday first)."""
    rows = []
    for day in WEEKDAYS:
        intervals = (hours or {}).get(day) or []
        first = intervals[0] if intervals else {}
        second = intervals[1] if len(intervals) > 1 else {}
        rows.append(
            {
                "day": day,
                "label": day.capitalize(),
                "open": bool(intervals),
                "from": first.get("open", "09:00"),
                "to": first.get("close", "17:00"),
                "from2": second.get("open", ""),
                "to2": second.get("close", ""),
            }
        )
    return rows


def schedule_from_post(data) -> tuple[dict, list[dict]]:
    """The posted grid → (hours for the service, rows to redisplay)."""
    hours, rows = {}, []
    for day in WEEKDAYS:
        row = {
            "day": day,
            "label": day.capitalize(),
            "open": data.get(f"{day}-open") == "on",
            "from": (data.get(f"{day}-from") or "").strip(),
            "to": (data.get(f"{day}-to") or "").strip(),
            "from2": (data.get(f"{day}-from2") or "").strip(),
            "to2": (data.get(f"{day}-to2") or "").strip(),
        }
        rows.append(row)
        if row["open"]:
            intervals = [{"open": row["from"], "close": row["to"]}]
            if row["from2"] or row["to2"]:
                intervals.append({"open": row["from2"], "close": row["to2"]})
            hours[day] = intervals
    return hours, rows
