"""Forms of the agent UI. They validate and shape input; views hand the cleaned data to the
services in ``conversations.services`` and show a service's ``DomainError`` on the field it names."""

from __future__ import annotations

from django import forms

from conversations.models import Channel, Priority, StatusCategory, ViewVisibility
from conversations.models.csat import COMMENT_MAX_LENGTH
from helpdesk.forms import DomainErrorsMixin

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
    team = forms.ChoiceField(required=False)
    created_after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    q = forms.CharField(required=False, max_length=200)

    def __init__(self, data, *, statuses, agents, inboxes, tags, default_status="open", teams=()):
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
        self.fields["team"].choices = [("", "Any team"), *[(str(team.pk), team.name) for team in teams]]

    def values(self) -> dict:
        """Cleaned values, each invalid one replaced by its default."""
        values = {}
        for name, field in self.fields.items():
            raw = (self.data.get(name) or "").strip()
            try:
                values[name] = field.clean(raw)
            except forms.ValidationError:
                values[name] = ""
            if values[name] is None or hasattr(values[name], "isoformat"):
                values[name] = values[name].isoformat() if values[name] else ""
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
    company = forms.CharField(max_length=200, required=False)


# ---------- settings ----------


class InboxForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=100)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.API)
    email = forms.EmailField(required=False, help_text="The sender address of an email inbox.")
    enabled = forms.BooleanField(required=False, initial=True, label="Accepts new conversations")
    csat_enabled = forms.BooleanField(
        required=False,
        initial=True,
        label="Ask for satisfaction (CSAT) on resolve",
        help_text='The contact is asked "How did we do?" (1–5) in the widget or by a link in the email.',
    )


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


class CsatForm(forms.Form):
    """The public survey page (``/csat/<token>``): 1–5 and an optional comment."""

    rating = forms.TypedChoiceField(
        choices=[(5, "5 · Great"), (4, "4 · Good"), (3, "3 · Okay"), (2, "2 · Poor"), (1, "1 · Bad")],
        coerce=int,
        widget=forms.RadioSelect,
        label="Your rating",
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything you would like to tell us?",
    )
