"""Forms of the chatbots UI. They shape input for the services (``chatbots.services``,
``helpdesk.services.accounts``), which do the real checks; a service's ``DomainError`` is shown on
the field it names."""

from __future__ import annotations

from django import forms
from django.conf import settings

from chatbots import selectors_ui
from chatbots.models import Chatbot
from chatbots.models.chatbot import DEFAULT_CONFIDENCE_THRESHOLD
from chatbots.services.chatbots import (
    CONFIDENCE_RANGE,
    DEFAULT_MAX_TOKENS,
    DEFAULT_TEMPERATURE,
    MAX_CATEGORIES,
    MAX_TOKENS_RANGE,
    TEMPERATURE_RANGE,
    TEXT_LIMITS,
)
from chatbots.services.monitor import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
from chatbots.validators import validate_model_name
from helpdesk import ollama
from helpdesk.forms import DomainErrorsMixin
from helpdesk.selectors import ai_provider_summary, team_list
from knowledge import chunking


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class _DocumentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, document):
        return document.title


class _TeamField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return str(team)


def model_choices(models: list[str], current: str) -> list[tuple[str, str]]:
    """The models an endpoint lists, with the bot's current model selectable even when the server
    spells it with a tag (``llama3.2`` is ``llama3.2:latest``) or does not have it."""
    choices = [(name, name) for name in models]
    if current and current not in models:
        tagged = f"{current}:latest"
        if tagged in models:
            choices = [(current if name == tagged else name, label) for name, label in choices]
        else:
            choices.insert(0, (current, f"{current} (not on this server)"))
    return choices


def default_endpoint_label(organization) -> str:
    """The organization's default endpoint, for display (no name resolution, no request)."""
    return ai_provider_summary(organization=organization)["endpoint"]


class ChatbotForm(DomainErrorsMixin, forms.Form):
    field_aliases = {"bot_name": "name"}

    name = forms.CharField(
        max_length=TEXT_LIMITS["name"], widget=forms.TextInput(attrs={"placeholder": "Support bot"})
    )
    model = forms.CharField(max_length=200, required=False, validators=[validate_model_name])
    ollama_endpoint = forms.ChoiceField(required=False, label="Ollama endpoint")
    temperature = forms.FloatField(
        min_value=TEMPERATURE_RANGE[0],
        max_value=TEMPERATURE_RANGE[1],
        initial=DEFAULT_TEMPERATURE,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
        help_text="0 answers the same way every time; higher values vary the wording.",
    )
    max_tokens = forms.IntegerField(
        min_value=MAX_TOKENS_RANGE[0],
        max_value=MAX_TOKENS_RANGE[1],
        initial=DEFAULT_MAX_TOKENS,
        label="Max tokens",
        help_text="The longest answer, in tokens.",
    )
    system_prompt = forms.CharField(
        required=False,
        max_length=TEXT_LIMITS["system_prompt"],
        widget=_textarea(
            5, placeholder="You are the support assistant of Acme. Answer briefly and politely."
        ),
        label="System prompt",
        help_text="How the bot behaves. Parley always adds: answer only from the sources, cite them, "
        "and treat document text as data, never as instructions.",
    )
    greeting_message = forms.CharField(
        required=False,
        max_length=TEXT_LIMITS["greeting_message"],
        widget=_textarea(2, placeholder="Hi! I can answer questions about our products."),
        label="Greeting",
        help_text="The first message people see.",
    )
    product_documents = _DocumentsField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Product documents"
    )
    knowledge_categories = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Knowledge categories",
        help_text="Every document and Q&A item of these categories is a source too, including future ones.",
    )
    confidence_threshold = forms.FloatField(
        min_value=CONFIDENCE_RANGE[0],
        max_value=CONFIDENCE_RANGE[1],
        initial=DEFAULT_CONFIDENCE_THRESHOLD,
        label="Confidence threshold",
        widget=forms.NumberInput(attrs={"type": "range", "step": "0.05", "min": "0", "max": "1"}),
        help_text="Below this, the bot says it does not know and offers a person instead of guessing.",
    )
    handoff_enabled = forms.BooleanField(required=False, initial=True, label="Offer a hand-off to a person")
    handoff_team = _TeamField(
        queryset=None, required=False, label="Hand-off team", empty_label="No team (unassigned)"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active (answers questions)")

    def __init__(
        self,
        *args,
        organization,
        chatbot: Chatbot | None = None,
        models: list[str] | None = None,
        ollama_reachable: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        current_ids = [d.pk for d in chatbot.product_documents.all()] if chatbot else []
        self.fields["product_documents"].queryset = selectors_ui.processed_documents(
            organization=organization, include_ids=current_ids
        )
        self.fields["handoff_team"].queryset = team_list(organization=organization)
        categories = selectors_ui.knowledge_categories(organization=organization)
        for category in (chatbot.knowledge_categories if chatbot else []) or []:
            if category not in categories:
                categories.append(category)
        self.fields["knowledge_categories"].choices = [(c, c) for c in categories]
        self._endpoint_choices(chatbot)
        self._model_widget(chatbot, models or [], ollama_reachable)

    def _endpoint_choices(self, chatbot) -> None:
        default = default_endpoint_label(self.organization)
        choices = [("", f"Organization default ({default})")]
        choices += [(endpoint, endpoint) for endpoint in ollama.allowed_endpoints(self.organization)]
        current = chatbot.ollama_endpoint if chatbot else ""
        if current and current not in dict(choices):
            choices.append((current, f"{current} (no longer allowed)"))
        field = self.fields["ollama_endpoint"]
        field.choices = choices
        field.help_text = "The Ollama servers an admin allowed (AI provider and Organization settings)."

    def _model_widget(self, chatbot, models: list[str], reachable: bool) -> None:
        field = self.fields["model"]
        default = ollama.default_model(self.organization)
        current = (self.data.get(self.add_prefix("model")) if self.is_bound else None) or (
            chatbot.model if chatbot else default
        )
        if models:
            field.widget = forms.Select(choices=model_choices(models, current))
            field.help_text = "The models this Ollama server has. Pull others with ollama pull."
        else:
            field.widget = forms.TextInput(attrs={"placeholder": default, "spellcheck": "false"})
            field.help_text = (
                f"Ollama is not reachable, so its models cannot be listed: type a model name. Blank: {default}."
                if not reachable
                else f"This Ollama server lists no models yet (ollama pull {default}). Blank: {default}."
            )

    @classmethod
    def initial_for(cls, chatbot: Chatbot) -> dict:
        initial = {name: getattr(chatbot, name) for name in cls.base_fields}
        initial["product_documents"] = [document.pk for document in chatbot.product_documents.all()]
        initial["handoff_team"] = chatbot.handoff_team_id
        return initial

    def clean_knowledge_categories(self) -> list[str]:
        values = self.cleaned_data["knowledge_categories"]
        if len(values) > MAX_CATEGORIES:
            raise forms.ValidationError(f"At most {MAX_CATEGORIES} categories.")
        return values

    def service_fields(self) -> dict:
        """The cleaned data as ``chatbot_create``/``chatbot_update`` take it."""
        data = dict(self.cleaned_data)
        data["product_documents"] = [document.pk for document in data["product_documents"]]
        data["handoff_team"] = data["handoff_team"].pk if data["handoff_team"] else None
        return data


class RagTrainingForm(DomainErrorsMixin, forms.Form):
    field_aliases = {"document_ids": "documents"}

    documents = _DocumentsField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the documents to train on."},
    )
    chunk_size = forms.IntegerField(  # the range: knowledge.chunking, in clean()
        widget=forms.NumberInput(attrs={"min": chunking.MIN_CHUNK_SIZE, "max": chunking.MAX_CHUNK_SIZE}),
        label="Chunk size",
        help_text="Characters per passage. Smaller passages give more precise citations.",
    )
    overlap = forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": 0, "max": chunking.MAX_OVERLAP}),
        help_text="Characters repeated between neighbouring passages.",
    )

    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault(
            "initial",
            {"chunk_size": settings.KNOWLEDGE_CHUNK_SIZE, "overlap": settings.KNOWLEDGE_CHUNK_OVERLAP},
        )
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = selectors_ui.trainable_documents(organization=organization)

    def clean(self):
        data = super().clean()
        if "chunk_size" in data and "overlap" in data:
            try:
                chunking.check_chunking(chunk_size=data["chunk_size"], overlap=data["overlap"])
            except chunking.ChunkingError as error:
                self.add_domain_error(error)
        return data


class ModelfileTrainingForm(DomainErrorsMixin, forms.Form):
    model = forms.CharField(
        max_length=200,
        required=False,
        label="Base model",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text="Blank: the chatbot's model.",
    )


class MonitorReviewForm(DomainErrorsMixin, forms.Form):
    question = forms.CharField(max_length=MAX_QUESTION_CHARS, widget=_textarea(2))
    answer = forms.CharField(
        max_length=MAX_ANSWER_CHARS,
        required=False,
        widget=_textarea(5),
        help_text="Correct the answer here; a verified answer is what the bot answers next time.",
    )
    read = forms.BooleanField(required=False, initial=True, label="Reviewed")
    verified = forms.BooleanField(required=False, label="Verified: add to the knowledge base")

    @classmethod
    def initial_for(cls, message) -> dict:
        return {
            "question": message.corrected_question or message.question,
            "answer": message.corrected_answer or message.content,
            "read": True,
            "verified": message.verification_indicator > 0,
        }

    def service_fields(self, message) -> dict:
        """Only what changed is sent as a correction, so an untouched answer keeps the original."""
        data = self.cleaned_data
        fields = {
            "read_indicator": 1 if data["read"] else 0,
            "verification_indicator": 1 if data["verified"] else 0,
        }
        question, answer = data["question"].strip(), data["answer"].strip()
        if question != (message.corrected_question or message.question).strip():
            fields["question"] = question
        if answer != (message.corrected_answer or message.content).strip():
            fields["answer"] = answer
        return fields


class AIProviderForm(DomainErrorsMixin, forms.Form):
    endpoint = forms.CharField(
        max_length=300,
        required=False,
        label="Default endpoint",
        widget=forms.TextInput(attrs={"placeholder": "http://localhost:11434", "spellcheck": "false"}),
        help_text="The Ollama server chatbots use unless they name another. Blank: the server's OLLAMA_HOST. "
        "A new endpoint is added to the allowed ones.",
    )
    model = forms.CharField(
        max_length=200,
        required=False,
        label="Default model",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text="New chatbots use it unless they name another. Blank: the server's OLLAMA_MODEL.",
    )
