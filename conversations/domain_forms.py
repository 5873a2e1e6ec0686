"""Forms of the Website domains settings page: bind a site, and its widget's appearance."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from conversations.api.serializers.domains import COLOR
from conversations.models import WidgetPosition
from conversations.services.domains import MAX_ORIGINS
from helpdesk.forms import DomainErrorsMixin


class DomainBindForm(DomainErrorsMixin, forms.Form):
    website_url = forms.URLField(max_length=500, label="Website address", assume_scheme="https")
    label = forms.CharField(max_length=100, required=False, help_text="Defaults to the host name.")


class DomainWidgetForm(DomainErrorsMixin, forms.Form):
    label = forms.CharField(max_length=100)
    color = forms.CharField(max_length=7, widget=forms.TextInput(attrs={"type": "color"}), label="Colour")
    position = forms.ChoiceField(choices=WidgetPosition.choices)
    greeting = forms.CharField(max_length=300)
    launcher_text = forms.CharField(max_length=40, label="Button text")
    allowed_origins = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line, such as https://www.example.com. Pages elsewhere cannot use the widget.",
    )
    is_active = forms.BooleanField(required=False, label="Widget answers visitors")

    def clean_color(self):
        if not COLOR.match(self.cleaned_data["color"]):
            raise ValidationError("A colour is written #rrggbb.")
        return self.cleaned_data["color"].lower()

    def clean_allowed_origins(self):
        origins = [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
        if len(origins) > MAX_ORIGINS:
            raise ValidationError(f"At most {MAX_ORIGINS} origins.")
        return origins
