"""Forms of the agent UI. They validate and shape input; views hand the cleaned data to the
services in ``conversations.services`` and show a service's ``DomainError`` on the field it names."""

from __future__ import annotations

from django import forms

from conversations.business_time import WEEKDAYS
from conversations.models import Channel, Priority, StatusCategory, ViewVisibility
from helpdesk.forms import DomainErrorsMixin, timezone_choices

PRIORITY_CHOICES = [("", "No priority"), *[(choice.label, choice.label) for choice in Priority]]
SNOOZE_CHOICES = [
    ("1h", "1 hour"),
    ("3h", "3 hours"),
    ("1d", "Tomorrow (24 hours)"),
    ("3d", "3 days"),
    ("1w", "1 week"),
]
SORT_CHOICES = [
    ("-last_message_at", "Last activity"),
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
    ("-priority", "Priority"),
    ("next_sla_deadline_at", "SLA due"),
    ("waiting_since", "Waiting longest"),
]
CATEGORY_FILTERS = [
    ("open", "Open"),
    ("snoozed", "Snoozed"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("all", "Any status"),
]


# ---------- inbox ----------


class InboxFilterForm(forms.Form):
    """The list filters in the query string. Unknown values are dropped rather than refused: a
    stale bookmark still opens the inbox."""

    status = forms.ChoiceField(required=False)
    priority = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    inbox = forms.ChoiceField(required=False)
    tag = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    q = forms.CharField(required=False, max_length=200)

    def __init__(self, data, *, statuses, agents, inboxes, tags, default_status="open"):
        data = data.copy()
        if not data.get("status"):
            data["status"] = default_status  # so the select shows what the list applies
        super().__init__(data)
        self.default_status = default_status
        custom = [(f"s{status.pk}", status.name) for status in statuses if not status.is_builtin]
        self.fields["status"].choices = [*CATEGORY_FILTERS, *custom]
        self.fields["priority"].choices = [("", "Any priority"), *[(c.label, c.label) for c in Priority]]
        self.fields["assignee"].choices = [
            ("", "Any assignee"),
            ("me", "Assigned to me"),
            ("none", "Unassigned"),
            *[(str(agent.pk), agent.user.full_name) for agent in agents],
        ]
        self.fields["inbox"].choices = [
            ("", "All inboxes"),
            *[(str(inbox.pk), inbox.name) for inbox in inboxes],
        ]
        self.fields["tag"].choices = [("", "Any tag"), *[(tag.name, tag.name) for tag in tags]]

    def values(self) -> dict:
        """Cleaned values, each invalid one replaced by its default."""
        values = {}
        for name, field in self.fields.items():
            raw = (self.data.get(name) or "").strip()
            try:
                values[name] = field.clean(raw)
            except forms.ValidationError:
                values[name] = ""
        values["status"] = values["status"] or self.default_status
        values["sort"] = values["sort"] or SORT_CHOICES[0][0]
        return values


class SavedViewForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=100, label="View name")
    visibility = forms.ChoiceField(
        choices=ViewVisibility.choices, initial=ViewVisibility.USER, required=False, label="Who sees it"
    )

    def clean_visibility(self) -> str:
        return self.cleaned_data.get("visibility") or ViewVisibility.USER


# ---------- conversation ----------


class ComposerForm(DomainErrorsMixin, forms.Form):
    field_aliases = {
        "message": "message",
        "attachments": "message",
        "files": "message",
        "sender_type": "message",
    }

    mode = forms.ChoiceField(choices=[("reply", "Reply"), ("note", "Private note")], initial="reply")
    message = forms.CharField(required=False, max_length=200_000, widget=forms.Textarea(attrs={"rows": 4}))
    cc = forms.CharField(required=False, max_length=2000, label="Cc")
    bcc = forms.CharField(required=False, max_length=2000, label="Bcc")


class ContactNoteForm(DomainErrorsMixin, forms.Form):
    note = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}), label="Add a note")


class ContactForm(DomainErrorsMixin, forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254, required=False)
    phone_number = forms.CharField(max_length=40, required=False, label="Phone")


# ---------- settings ----------


class InboxForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=100)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.API)
    email = forms.EmailField(required=False, help_text="The sender address of an email inbox.")
    enabled = forms.BooleanField(required=False, initial=True, label="Accepts new conversations")


class StatusForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=50)
    category = forms.ChoiceField(
        choices=StatusCategory.choices,
        initial=StatusCategory.OPEN,
        label="Behaves like",
        help_text="Open statuses stay in the inbox and keep SLA clocks running; resolved and closed stop them.",
    )


class TagForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=50)


class CannedResponseForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200)
    content = forms.CharField(
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Plain text; placeholders below.",
    )


class MacroForm(DomainErrorsMixin, forms.Form):
    """Name and description; the actions come as numbered rows (see ``macro_actions_from_post``)."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=500, required=False)


MACRO_ACTION_LABELS = {
    "reply": "Send a reply",
    "note": "Add a private note",
    "set_status": "Set status",
    "set_priority": "Set priority",
    "add_tags": "Add tags",
    "remove_tags": "Remove tags",
    "assign_agent": "Assign to agent",
    "assign_team": "Assign to team",
    "unassign_agent": "Unassign agent",
    "unassign_team": "Remove team",
}
MAX_MACRO_ROWS = 20


def macro_actions_from_post(data) -> list[dict]:
    """Rows ``action-N-type`` with the value field that type uses (text, status, priority, tags,
    agent, team, snooze) → the services' action list. Empty rows are skipped."""
    actions = []
    for index in range(MAX_MACRO_ROWS):
        kind = (data.get(f"action-{index}-type") or "").strip()
        if not kind:
            continue
        value = None
        if kind in ("reply", "note"):
            value = data.get(f"action-{index}-text") or ""
        elif kind == "set_status":
            value = data.get(f"action-{index}-status") or ""
        elif kind == "set_priority":
            value = data.get(f"action-{index}-priority") or None
        elif kind in ("add_tags", "remove_tags"):
            value = [
                part.strip() for part in (data.get(f"action-{index}-tags") or "").split(",") if part.strip()
            ]
        elif kind == "assign_agent":
            value = data.get(f"action-{index}-agent") or ""
        elif kind == "assign_team":
            value = data.get(f"action-{index}-team") or ""
        action = {"type": kind, "value": value}
        snooze = (data.get(f"action-{index}-snooze") or "").strip()
        if kind == "set_status" and snooze:
            action["snoozed_until"] = snooze
        actions.append(action)
    return actions


def macro_rows(actions: list[dict], *, extra: int = 1) -> list[dict]:
    """The builder's rows for a list of actions, plus ``extra`` empty ones."""
    rows = []
    for action in actions or []:
        value = action.get("value")
        row = {"type": action.get("type", ""), "text": "", "status": "", "priority": "", "tags": "", "agent": "",
               "team": "", "snooze": ""}  # fmt: skip
        if isinstance(value, dict):  # set_status with a snooze duration
            row["status"], row["snooze"] = value.get("status", ""), value.get("snoozed_until", "")
        elif row["type"] in ("reply", "note"):
            row["text"] = value or ""
        elif row["type"] == "set_status":
            row["status"] = value or ""
            row["snooze"] = action.get("snoozed_until", "")
        elif row["type"] == "set_priority":
            row["priority"] = value or ""
        elif row["type"] in ("add_tags", "remove_tags"):
            row["tags"] = ", ".join(value or [])
        elif row["type"] == "assign_agent":
            row["agent"] = str(value or "")
        elif row["type"] == "assign_team":
            row["team"] = str(value or "")
        rows.append(row)
    for _ in range(extra):
        rows.append({"type": "", "text": "", "status": "", "priority": "", "tags": "", "agent": "", "team": "",
                     "snooze": ""})  # fmt: skip
    return rows[:MAX_MACRO_ROWS]


class SLAPolicyForm(DomainErrorsMixin, forms.Form):
    field_aliases = {"business_hours_id": "business_hours", "conditions": "priorities"}

    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=500, required=False)
    first_response_minutes = forms.IntegerField(
        required=False, min_value=1, label="First response (minutes)", help_text="e.g. 60 for one hour"
    )
    next_response_minutes = forms.IntegerField(
        required=False, min_value=1, label="Next response (minutes)", help_text="After each customer message"
    )
    resolution_minutes = forms.IntegerField(
        required=False, min_value=1, label="Resolution (minutes)", help_text="e.g. 1440 for one day"
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

    def service_fields(self, business_hours_by_id: dict) -> dict:
        data = self.cleaned_data
        conditions = {}
        if data["priorities"]:
            conditions["priority"] = data["priorities"]
        if data["inboxes"]:
            conditions["inbox_id"] = [int(pk) for pk in data["inboxes"]]
        hours_id = data.get("business_hours")
        return {
            "name": data["name"],
            "description": data["description"],
            "first_response_minutes": data["first_response_minutes"],
            "next_response_minutes": data["next_response_minutes"],
            "resolution_minutes": data["resolution_minutes"],
            "conditions": conditions,
            "business_hours": business_hours_by_id.get(int(hours_id)) if hours_id else None,
            "position": data["position"],
            "is_active": data["is_active"],
        }

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
        return holidays


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
