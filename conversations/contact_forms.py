"""Forms of the contacts pages: details with custom attributes as key/value rows, merge, import."""

from __future__ import annotations

from django import forms

from conversations import contact_csv
from conversations.forms import ContactForm
from helpdesk.forms import DomainErrorsMixin

MAX_ATTRIBUTES = 50
BLANK_ATTRIBUTE_ROWS = 2


class ContactDetailsForm(ContactForm):
    """The details and, when the page sent its attribute rows (``attributes_shown``), the custom
    attributes as ``attribute_key`` / ``attribute_value`` pairs. A row with a blank key is
    dropped; a value unchanged from the stored one keeps its JSON type (a number stays one)."""

    def __init__(self, *args, stored_attributes: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_attributes = stored_attributes or {}

    def attribute_rows(self) -> list[tuple[str, str]]:
        if self.is_bound and self.data.get("attributes_shown"):
            keys = self.data.getlist("attribute_key")
            values = self.data.getlist("attribute_value")
            rows = list(zip(keys, values, strict=False))
        else:
            rows = [(key, _shown(value)) for key, value in self.stored_attributes.items()]
        return [*rows, *[("", "")] * BLANK_ATTRIBUTE_ROWS]

    def clean(self):
        cleaned = super().clean()
        if not self.data.get("attributes_shown"):
            return cleaned
        attributes: dict = {}
        keys, values = self.data.getlist("attribute_key"), self.data.getlist("attribute_value")
        for key, value in zip(keys, values, strict=False):
            key, value = " ".join(key.split()), value.strip()
            if not key:
                continue
            if len(key) > contact_csv.ATTRIBUTE_KEY_LENGTH:
                raise forms.ValidationError(
                    f"An attribute name has at most {contact_csv.ATTRIBUTE_KEY_LENGTH} characters."
                )
            if len(value) > contact_csv.ATTRIBUTE_VALUE_LENGTH:
                raise forms.ValidationError(
                    f"The value of '{key}' has at most {contact_csv.ATTRIBUTE_VALUE_LENGTH} characters."
                )
            if key in attributes:
                raise forms.ValidationError(f"The attribute '{key}' is given twice.")
            stored = self.stored_attributes.get(key)
            attributes[key] = stored if stored is not None and _shown(stored) == value else value
        if len(attributes) > MAX_ATTRIBUTES:
            raise forms.ValidationError(f"A contact has at most {MAX_ATTRIBUTES} custom attributes.")
        cleaned["custom_attributes"] = attributes
        return cleaned


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class ContactMergeForm(DomainErrorsMixin, forms.Form):
    """Merge this page's contact and ``other``; ``keep`` says which of the two stays."""

    other = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(choices=(("this", "this"), ("other", "other")), widget=forms.RadioSelect)


class ContactImportForm(DomainErrorsMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"UTF-8, at most {contact_csv.MAX_ROWS:,} rows and {contact_csv.MAX_BYTES // (1024 * 1024)} MB. "
            f"Columns: {', '.join(contact_csv.COLUMNS)}; any other column becomes a custom attribute."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
