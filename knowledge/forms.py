"""Forms of the knowledge UI. They shape input; the views hand it to ``knowledge.services`` and show
a service's ``DomainError`` on the field it names (uploads: on the file it concerns)."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings

from helpdesk.forms import DomainErrorsMixin
from knowledge.models import DocumentStatus
from knowledge.services.kb_items import CONTENT_MAX, TITLE_MAX
from knowledge.services.uploads import MAX_FILES_PER_UPLOAD

ACCEPTED_FILES = ".pdf,.docx,.txt,.text,.md,.markdown,.html,.htm,.rst,.rest"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each one is checked by the upload service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            raise forms.ValidationError("Choose at least one file to upload.", code="required")
        return files  # how many: documents_upload


def _category_field() -> forms.CharField:
    return forms.CharField(
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "knowledge-categories", "placeholder": "e.g. Billing"}),
        help_text="Chatbots can be limited to some categories.",
    )


class TagsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Comma-separated words.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "setup, billing"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(tag) for tag in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


class DocumentUploadForm(DomainErrorsMixin, forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="PDF, DOCX, Markdown, HTML, RST or text; up to "
        f"{MAX_FILES_PER_UPLOAD} files at once, {settings.MAX_UPLOAD_MB} MB each.",
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="For a single file. Otherwise each document is named after its file.",
    )
    category = _category_field()
    description = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))
    tags = TagsField()
    train_ai = forms.BooleanField(
        required=False,
        initial=True,
        label="Use for AI answers (index the text for the chatbots)",
    )


class CrawlForm(DomainErrorsMixin, forms.Form):
    url = forms.CharField(
        label="Website URL",
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "https://docs.example.com/", "inputmode": "url"}),
        help_text="Pages of this site only, breadth-first; robots.txt is honoured.",
    )
    max_levels = forms.IntegerField(
        label="Link levels",
        min_value=0,
        max_value=settings.MAX_CRAWL_LEVELS,
        initial=1,
        help_text=f"0 = this page only; at most {settings.MAX_CRAWL_LEVELS}.",
    )
    max_pages = forms.IntegerField(
        label="Maximum pages",
        min_value=1,
        max_value=settings.MAX_CRAWL_PAGES,
        initial=min(50, settings.MAX_CRAWL_PAGES),
        help_text=f"At most {settings.MAX_CRAWL_PAGES}.",
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="For the first page; the others keep their own titles."
    )
    category = _category_field()


class KnowledgeItemForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(
        label="Question",
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": "How do I reset my password?"}),
    )
    content = forms.CharField(
        label="Answer", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    category = _category_field()
    tags = TagsField()
    verified = forms.BooleanField(
        required=False, label="Verified answer (ranks first in search and chatbot answers)"
    )


class KnowledgeImportForm(DomainErrorsMixin, forms.Form):
    file = forms.FileField(
        label="JSON file",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        help_text='An array of {"title", "content", "category", "tags"} (or {"question", "answer"}) objects; '
        f"at most {settings.KB_FILE_IMPORT_MAX_ITEMS} per file. All or nothing.",
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it into smaller files.")
        raw = upload.read(self.MAX_BYTES + 1)
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not valid JSON (line {exc.lineno}, column {exc.colno})."
            )
        if isinstance(data, dict):  # {"items": [...]} exports are accepted too
            for key in ("items", "questions", "faqs", "faq", "qa_pairs", "pairs", "data"):
                if isinstance(data.get(key), list):
                    data = data[key]
                    break
        if not isinstance(data, list):
            raise forms.ValidationError('The file must hold a JSON array of items (or {"items": [...]}).')
        return data


class DocumentFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search titles")
    category = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *DocumentStatus.choices])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"query": data["q"].strip(), "category": data["category"], "status": data["status"]}


class KnowledgeItemFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    category = forms.CharField(required=False, max_length=100)
    verified = forms.ChoiceField(
        required=False, choices=[("", "All items"), ("yes", "Verified"), ("no", "Not verified")]
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        verified = {"yes": True, "no": False}.get(data["verified"])
        return {"query": data["q"].strip(), "category": data["category"], "verified": verified}


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=2000, label="Question or keywords")
    category = forms.CharField(required=False, max_length=100)
    k = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=10,
        choices=[(5, "5 results"), (10, "10 results"), (20, "20 results")],
    )
