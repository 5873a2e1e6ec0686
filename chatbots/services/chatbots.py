"""Chatbots: create, change and delete, with every setting checked.

``ollama_endpoint`` must be one the organization's admin allowed (``helpdesk.ollama.resolve_endpoint``);
product documents must be the organization's own; the handoff team too. Changing what a derived
(modelfile) model baked in makes it stale, so the bot goes back to its base model until it is
trained again."""

from __future__ import annotations

import re

from django.db import transaction

from chatbots.models import Chatbot
from helpdesk import limits, ollama
from helpdesk.errors import DomainError
from helpdesk.ids import parse_id
from helpdesk.models import Organization, Team

TEXT_LIMITS = {"name": 200, "system_prompt": 20000, "greeting_message": 2000}
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


def organization_documents(*, organization: Organization, ids: list[int], field: str = "product_documents"):
    """The organization's documents with these ids; unknown ids (another organization's look the
    same) are refused."""
    from knowledge.models import Document

    documents = list(Document.objects.filter(organization=organization, pk__in=ids))
    missing = sorted(set(ids) - {d.pk for d in documents})
    if missing:
        raise ChatbotError(f"Unknown documents: {', '.join(map(str, missing))}.", field=field)
    return documents


def _clean_categories(values) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        raise ChatbotError("Give a list of categories.", field="knowledge_categories")
    cleaned: list[str] = []
    for value in values:
        text = str(value).strip()[:100]
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_CATEGORIES:
        raise ChatbotError(f"At most {MAX_CATEGORIES} categories.", field="knowledge_categories")
    return cleaned


def _number(value, *, field: str, low: float, high: float, integer: bool = False):
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise ChatbotError(f"{field} must be a number.", field=field)
    if integer and isinstance(value, float) and value != int(value):
        raise ChatbotError(f"{field} must be a whole number.", field=field)
    if not low <= number <= high:
        raise ChatbotError(f"{field} must be between {low:g} and {high:g}.", field=field)
    return number


def _clean(organization: Organization, changes: dict, *, instance: Chatbot | None) -> dict:
    cleaned = dict(changes)
    for name, limit in TEXT_LIMITS.items():
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
            if len(cleaned[name]) > limit:
                raise ChatbotError(f"{name} can have at most {limit} characters.", field=name)
    if "name" in cleaned:
        if not cleaned["name"]:
            raise ChatbotError("A chatbot needs a name.", field="name")
        clash = Chatbot.objects.filter(organization=organization, name__iexact=cleaned["name"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ChatbotError("A chatbot with this name exists already.", field="name", code="conflict")
    if "model" in cleaned:
        model = str(cleaned["model"] or "").strip()
        cleaned["model"] = ollama.validate_model_name(model) if model else ollama.default_model(organization)
    if "ollama_endpoint" in cleaned:
        endpoint = str(cleaned["ollama_endpoint"] or "").strip()
        cleaned["ollama_endpoint"] = (
            ollama.resolve_endpoint(organization, endpoint, field="ollama_endpoint") if endpoint else ""
        )
    if "temperature" in cleaned:
        cleaned["temperature"] = _number(cleaned["temperature"], field="temperature", low=0, high=2)
    if "max_tokens" in cleaned:
        cleaned["max_tokens"] = _number(
            cleaned["max_tokens"], field="max_tokens", low=1, high=32768, integer=True
        )
    if "confidence_threshold" in cleaned:
        cleaned["confidence_threshold"] = _number(
            cleaned["confidence_threshold"], field="confidence_threshold", low=0, high=1
        )
    if "knowledge_categories" in cleaned:
        cleaned["knowledge_categories"] = _clean_categories(cleaned["knowledge_categories"])
    if "product_documents" in cleaned:
        ids = parse_document_ids(cleaned["product_documents"])
        cleaned["product_documents"] = organization_documents(organization=organization, ids=ids)
    if "handoff_team" in cleaned:
        team = cleaned["handoff_team"]
        team_id = team.pk if isinstance(team, Team) else team
        if team_id in (None, ""):
            cleaned["handoff_team"] = None
        else:
            found = Team.objects.filter(organization=organization, pk=_team_id(team_id)).first()
            if found is None:
                raise ChatbotError("Unknown team.", field="handoff_team")
            cleaned["handoff_team"] = found
    for flag in ("handoff_enabled", "is_active"):
        if flag in cleaned:
            cleaned[flag] = bool(cleaned[flag])
    return cleaned


def _team_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ChatbotError("Unknown team.", field="handoff_team")


EDITABLE_FIELDS = (
    "name",
    "model",
    "ollama_endpoint",
    "temperature",
    "max_tokens",
    "system_prompt",
    "greeting_message",
    "product_documents",
    "knowledge_categories",
    "confidence_threshold",
    "handoff_enabled",
    "handoff_team",
    "is_active",
)


def _unknown_fields(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ChatbotError(f"Unknown chatbot settings: {', '.join(sorted(unknown))}.")


@transaction.atomic
def chatbot_create(*, organization: Organization, created_by=None, **fields) -> Chatbot:
    _unknown_fields(fields)
    limits.ensure_within_limit(organization, "chatbots")
    fields.setdefault("model", "")
    fields.setdefault("name", "")
    cleaned = _clean(organization, fields, instance=None)
    documents = cleaned.pop("product_documents", None)
    chatbot = Chatbot.objects.create(organization=organization, created_by=created_by, **cleaned)
    if documents:
        chatbot.product_documents.set(documents)
    return chatbot


@transaction.atomic
def chatbot_update(*, chatbot: Chatbot, **changes) -> Chatbot:
    _unknown_fields(changes)
    cleaned = _clean(chatbot.organization, changes, instance=chatbot)
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


def chatbot_attach_documents(*, chatbot: Chatbot, documents) -> None:
    chatbot.product_documents.add(*documents)


def chatbot_delete(*, chatbot: Chatbot) -> None:
    """Delete the bot with its sessions and trainings (documents and KB items stay)."""
    chatbot.delete()


def chatbot_count(organization: Organization) -> int:
    return Chatbot.objects.filter(organization=organization).count()
