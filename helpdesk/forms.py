"""Forms of the core UI. They validate and shape input; the views hand the cleaned data to the
services in ``helpdesk.services``, and show a service's ``DomainError`` on the field it names."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from helpdesk.events import EVENT_NAMES
from helpdesk.models import Availability, Membership, Organization, Role
from helpdesk.models.api_key import ApiKeyPermission
from helpdesk.models.team import AssignmentType
from helpdesk.selectors import team_list
from helpdesk.services import webhooks
from helpdesk.validators import time_zones

MAX_LIST_ENTRIES = 100


class DomainErrorsMixin:
    """Put a service's refusal on the field it names (or on the form as a whole)."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error) -> None:
        field = self.field_aliases.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)

    def add_validation_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                field = self.field_aliases.get(field, field)
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


def _split_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _textarea(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# ---------- authentication ----------


class LoginForm(AuthenticationForm):
    """Sign in by email. A user whose memberships are all disabled cannot sign in."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "placeholder": "you@company.com"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Wrong email or password. Check both and try again.",
        "inactive": "This account is disabled.",
        "disabled_everywhere": (
            "Your access has been disabled in every organization you belong to. "
            "Ask an admin to enable your account."
        ),
        "no_organization": "This account does not belong to any organization yet. Ask an admin to invite you.",
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        memberships = Membership.objects.filter(user=user)
        if not memberships.filter(is_active=True).exists():
            code = "disabled_everywhere" if memberships.exists() else "no_organization"
            raise ValidationError(self.error_messages[code], code=code)


# ---------- organization ----------


class OrganizationSettingsForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Organization name")
    logo_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Logo URL",
        help_text="Shown in the top bar and the chat widget.",
    )
    assistant_name = forms.CharField(
        max_length=100, help_text="How the AI assistant introduces itself to agents."
    )
    chatbot_name = forms.CharField(max_length=100, help_text="The name customers see in the chat widget.")
    welcome_message = forms.CharField(widget=_textarea(2), help_text="The first message a visitor sees.")
    starter_message = forms.CharField(
        required=False, widget=_textarea(2), help_text="A suggested first question for visitors."
    )
    error_message = forms.CharField(
        widget=_textarea(2), help_text="What the bot says when it cannot answer with confidence."
    )
    chat_system_message = forms.CharField(
        required=False,
        widget=_textarea(4),
        label="Chat system message",
        help_text="Extra instructions given to the model for every conversation.",
    )
    allowed_outbound_hosts = forms.CharField(
        required=False,
        widget=_textarea(4, placeholder="ollama.internal\n10.0.0.0/8", spellcheck="false"),
        label="Allowed outbound hosts",
        help_text=(
            "One host name, IP address or CIDR range per line. Internal addresses (loopback, private, "
            "link-local) are refused for webhooks, crawling and Ollama unless listed here."
        ),
    )
    ollama_endpoints = forms.CharField(
        required=False,
        widget=_textarea(3, placeholder="http://ollama.internal:11434", spellcheck="false"),
        label="Ollama endpoints",
        help_text="One http(s) URL per line: the Ollama servers chatbots may use.",
    )

    timezone = forms.ChoiceField(
        choices=(),
        label="Time zone",
        help_text="The dates and times Parley shows your team, and where a report's days begin and end.",
    )
    default_business_hours = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None: always open",
        label="Default business hours",
        help_text="Used where a team has no business hours of its own: outside them, the bot's hand-off "
        "tells visitors when the team is back and asks for an email.",
    )

    FIELDS = (
        "name",
        "logo_url",
        "assistant_name",
        "chatbot_name",
        "welcome_message",
        "starter_message",
        "error_message",
        "chat_system_message",
        "allowed_outbound_hosts",
        "ollama_endpoints",
        "timezone",
        "default_business_hours",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # The conversations app's schedules, read from the model field (the helpdesk imports no app).
        hours = Organization._meta.get_field("default_business_hours").related_model
        self.fields["default_business_hours"].queryset = hours.objects.filter(organization=organization)
        self.fields["timezone"].choices = timezone_choices()

    @classmethod
    def initial_for(cls, organization) -> dict:
        initial = {field: getattr(organization, field) for field in cls.FIELDS}
        initial["default_business_hours"] = organization.default_business_hours_id
        initial["allowed_outbound_hosts"] = "\n".join(organization.allowed_outbound_hosts or [])
        initial["ollama_endpoints"] = "\n".join(organization.ollama_endpoints or [])
        return initial

    # The rules for entries (no metadata hosts, no networks broader than /8, endpoints that pass
    # the outbound guard) live in ``organization_update_settings``; here the text becomes a list.
    def clean_allowed_outbound_hosts(self) -> list[str]:
        return self._entries("allowed_outbound_hosts")

    def clean_ollama_endpoints(self) -> list[str]:
        return self._entries("ollama_endpoints")

    def _entries(self, field: str) -> list[str]:
        entries = _split_lines(self.cleaned_data[field])
        if len(entries) > MAX_LIST_ENTRIES:
            raise ValidationError(f"At most {MAX_LIST_ENTRIES} entries, one per line.")
        return entries


# ---------- agents ----------


def _role_choices(actor: Membership | None) -> list[tuple[str, str]]:
    if actor is not None and actor.role == Role.OWNER:
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value != Role.OWNER]


class _TeamsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, team):
        return str(team)


class AgentInviteForm(DomainErrorsMixin, forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "alex@company.com"}))
    name = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "Alex Doe"})
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)
    teams = _TeamsField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organization, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)
        self.fields["teams"].queryset = team_list(organization=organization)

    def names(self) -> tuple[str, str]:
        first, _, last = self.cleaned_data.get("name", "").strip().partition(" ")
        return first, last.strip()


class AgentUpdateForm(DomainErrorsMixin, forms.Form):
    """An admin's change of a member: role and teams (names and avatars are the user's own)."""

    role = forms.ChoiceField(choices=Role.choices)
    teams = _TeamsField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organization, actor=None, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _role_choices(actor)
        if membership is not None and membership.role == Role.OWNER and (Role.OWNER, "Owner") not in choices:
            choices = list(Role.choices)  # show the current value; the service refuses the change
        self.fields["role"].choices = choices
        self.fields["teams"].queryset = team_list(organization=organization)


# ---------- teams ----------


def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(time_zones())
    return [(name, name.replace("_", " ")) for name in names]


class TeamForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "Billing"}))
    emoji = forms.CharField(
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "💳", "style": "max-width: 90px"}),
    )
    conversation_assignment_type = forms.ChoiceField(
        choices=AssignmentType.choices,
        label="Assignment",
        help_text="Round robin hands new conversations to the team's available agents in turn.",
    )
    max_auto_assigned_conversations = forms.IntegerField(
        min_value=0,
        max_value=10000,
        initial=0,
        label="Auto-assignment cap",
        help_text="Open conversations one agent may receive automatically (0 = no cap).",
    )
    timezone = forms.ChoiceField(choices=(), initial="UTC", label="Time zone")
    assign_on_reply = forms.BooleanField(
        required=False,
        initial=True,
        label="Assign on reply",
        help_text="An agent who replies to an unassigned conversation of this team gets it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()

    @staticmethod
    def initial_for(team) -> dict:
        return {
            "name": team.name,
            "emoji": team.emoji,
            "conversation_assignment_type": team.conversation_assignment_type,
            "max_auto_assigned_conversations": team.max_auto_assigned_conversations,
            "timezone": team.timezone,
            "assign_on_reply": team.assign_on_reply,
        }


# ---------- API keys ----------


class ApiKeyCreateForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Zapier integration", "autocomplete": "off"}),
        help_text="So you recognise it later.",
    )
    permissions = forms.MultipleChoiceField(
        choices=ApiKeyPermission.choices,
        initial=[ApiKeyPermission.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Read: list and fetch. Write: create and change conversations, contacts, documents. "
        "Admin: configure the organization (agents, keys, webhooks).",
        error_messages={"required": "Choose at least one permission."},
    )


# ---------- webhooks ----------


class WebhookForm(DomainErrorsMixin, forms.Form):
    url = forms.URLField(
        max_length=webhooks.URL_MAX_LENGTH,
        assume_scheme="https",
        label="Endpoint URL",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/parley/webhook"}),
        help_text="Parley POSTs each event here as JSON, signed with the secret (X-Signature: sha256=…).",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=[("*", "* (every event)")] + [(name, name) for name in EVENT_NAMES if name != "webhook.test"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    is_active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="A paused webhook receives no events; test deliveries are still sent.",
    )
    secret = forms.CharField(
        min_length=webhooks.SECRET_MIN_LENGTH,
        max_length=webhooks.SECRET_MAX_LENGTH,
        required=False,
        label="Signing secret",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Leave empty to generate one (on a new webhook) or keep the current one.",
    )

    @staticmethod
    def initial_for(webhook) -> dict:
        return {
            "url": webhook.url,
            "description": webhook.description,
            "events": list(webhook.events or []),
            "is_active": webhook.is_active,
        }


# ---------- my profile ----------


class ProfileForm(DomainErrorsMixin, forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    availability_status = forms.ChoiceField(
        choices=Availability.choices,
        label="Availability",
        help_text="Round-robin assignment only picks agents who are online.",
    )
    field_aliases = {"status": "availability_status"}


class OrganizationCreateForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Organization name")
