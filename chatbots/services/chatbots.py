"""Chatbots: create, change and delete.

The form and the serializer check the settings' shape (lengths and ranges: the constants below);
these services check the business rules.

``ollama_endpoint`` must be one the organization's admin allowed (``helpdesk.ollama.resolve_endpoint``);
product documents must be the organization's own; the handoff team too. Changing what a derived
(modelfile) model baked in makes it stale, so the bot goes back to its base model until it is
trained again."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction

from chatbots.models import Chatbot
from chatbots.models.chatbot import DEFAULT_CONFIDENCE_THRESHOLD
from helpdesk import limits, ollama
from helpdesk.errors import DomainError
from helpdesk.ids import parse_id
from helpdesk.models import Membership, Organization, Team
from helpdesk.unset import UNSET, Unset, given

# The shape of the settings, which the form and the serializer check.
TEXT_LIMITS = {"name": 200, "system_prompt": 20000, "greeting_message": 2000}
TEMPERATURE_RANGE = (0.0, 2.0)
MAX_TOKENS_RANGE = (1, 32768)
CONFIDENCE_RANGE = (0.0, 1.0)
DEFAULT_TEMPERATURE = 0.2
DEFAULT_MAX_TOKENS = 1000
MAX_CATEGORIES = 50
MAX_DOCUMENTS = 1000
# Fields a derived model bakes in: changing one of them makes it stale.
BAKED_FIELDS = ("model", "system_prompt", "temperature", "max_tokens", "ollama_endpoint")
_DOCUMENT_ID = re.compile(r"^(?:doc[_-]?)?(\d{1,18})$", re.IGNORECASE)


class ChatbotError(DomainError):
    pass


def parse_document_ids(values, *, field: str = "product_documents") -> list[int]:
    """Document ids as ints; Novumdesk's ``"doc_12"`` form is accepted too."""
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        raise ChatbotError("Give a list of document ids.", field=field)
    ids: list[int] = []
    for value in values:
        match = _DOCUMENT_ID.match(str(value).strip()) if not isinstance(value, bool) else None
        number = parse_id(match.group(1)) if match else None
        if number is None:
            raise ChatbotError(f"'{value}' is not a document id.", field=field)
        if number not in ids:
            ids.append(number)
    if len(ids) > MAX_DOCUMENTS:
        raise ChatbotError(f"A chatbot can have at most {MAX_DOCUMENTS} documents.", field=field)
    return ids


def organization_documents(
    *, organization: Organization, ids: Sequence[int], field: str = "product_documents"
):
    """The organization's documents with these ids; unknown ids (another organization's look the
    same) are refused."""
    from knowledge.models import Document

    documents = list(Document.objects.filter(organization=organization, pk__in=ids))
    missing = sorted(set(ids) - {d.pk for d in documents})
    if missing:
        raise ChatbotError(f"Unknown documents: {', '.join(map(str, missing))}.", field=field)
    return documents


def clean_categories(values: Sequence[str]) -> list[str]:
    """Categories stripped, without blanks and repeats."""
    cleaned: list[str] = []
    for value in values:
        text = str(value).strip()[:100]
        if text and text not in cleaned:
            cleaned.append(text)
    return cleaned


def _business_rules(organization: Organization, changes: dict, *, instance: Chatbot | None) -> dict:
    """Uniqueness, allowed endpoints and tenancy of well-shaped settings; the documents and the
    team come back as rows."""
    cleaned = dict(changes)
    if "name" in cleaned:
        cleaned["name"] = cleaned["name"].strip()
        clash = Chatbot.objects.filter(organization=organization, name__iexact=cleaned["name"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ChatbotError("A chatbot with this name exists already.", field="name", code="conflict")
    if "model" in cleaned:
        cleaned["model"] = cleaned["model"].strip() or ollama.default_model(organization)
    if "ollama_endpoint" in cleaned:
        endpoint = cleaned["ollama_endpoint"].strip()
        cleaned["ollama_endpoint"] = (
            ollama.resolve_endpoint(organization, endpoint, field="ollama_endpoint") if endpoint else ""
        )
    if "knowledge_categories" in cleaned:
        cleaned["knowledge_categories"] = clean_categories(cleaned["knowledge_categories"])
    if "product_documents" in cleaned:
        cleaned["product_documents"] = organization_documents(
            organization=organization, ids=list(dict.fromkeys(cleaned["product_documents"]))
        )
    if cleaned.get("handoff_team") is not None:
        team = Team.objects.filter(organization=organization, pk=cleaned["handoff_team"]).first()
        if team is None:
            raise ChatbotError("Unknown team.", field="handoff_team")
        cleaned["handoff_team"] = team
    return cleaned


def _save(chatbot: Chatbot, changes: dict) -> Chatbot:
    cleaned = _business_rules(chatbot.organization, changes, instance=chatbot if chatbot.pk else None)
    documents = cleaned.pop("product_documents", None)
    stale = any(name in cleaned and cleaned[name] != getattr(chatbot, name) for name in BAKED_FIELDS)
    for name, value in cleaned.items():
        setattr(chatbot, name, value)
    if stale and chatbot.derived_model_name:
        chatbot.derived_model_name, chatbot.derived_model_at = "", None
    chatbot.save()
    if documents is not None:
        chatbot.product_documents.set(documents)
    return chatbot


# The two signatures below are the one list of a chatbot's editable settings.


@transaction.atomic
def chatbot_create(
    *,
    organization: Organization,
    created_by: Membership | None = None,
    name: str,
    model: str = "",
    ollama_endpoint: str = "",
    temperature: float = DEFAULT_TEMPERATURE,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    system_prompt: str = "",
    greeting_message: str = "",
    product_documents: Sequence[int] = (),
    knowledge_categories: Sequence[str] = (),
    confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
    handoff_enabled: bool = True,
    handoff_team: int | None = None,
    is_active: bool = True,
) -> Chatbot:
    """A new chatbot, within the plan's limit, with a name no other bot of the organization has.
    ``model`` blank: the organization's default model; ``ollama_endpoint`` blank: its default
    endpoint, else one its admin allowed; documents and team: the organization's own."""
    settings = given(locals(), exclude=("organization", "created_by"))
    limits.ensure_within_limit(organization, "chatbots")
    return _save(Chatbot(organization=organization, created_by=created_by), settings)


@transaction.atomic
def chatbot_update(
    *,
    chatbot: Chatbot,
    name: str | Unset = UNSET,
    model: str | Unset = UNSET,
    ollama_endpoint: str | Unset = UNSET,
    temperature: float | Unset = UNSET,
    max_tokens: int | Unset = UNSET,
    system_prompt: str | Unset = UNSET,
    greeting_message: str | Unset = UNSET,
    product_documents: Sequence[int] | Unset = UNSET,
    knowledge_categories: Sequence[str] | Unset = UNSET,
    confidence_threshold: float | Unset = UNSET,
    handoff_enabled: bool | Unset = UNSET,
    handoff_team: int | None | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Chatbot:
    """Change the settings given (``UNSET`` ones stay), by the rules of ``chatbot_create``.
    Changing what a derived model baked in sends the bot back to its base model."""
    return _save(chatbot, given(locals(), exclude=("chatbot",)))


def chatbot_attach_documents(*, chatbot: Chatbot, documents) -> None:
    chatbot.product_documents.add(*documents)


def chatbot_delete(*, chatbot: Chatbot) -> None:
    """Delete the bot with its sessions and trainings (documents and KB items stay)."""
    chatbot.delete()


def chatbot_count(organization: Organization) -> int:
    return Chatbot.objects.filter(organization=organization).count()
