"""Read queries of the chatbots app, always scoped to one organization."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet

from chatbots.models import AIPrompt, Chatbot, ChatMessage, ChatSession, InboxBot, MessageRole, Training
from helpdesk.models import Organization

MONITOR_ORDER_FIELDS = {
    "created_at": "created_at",
    "createdat": "created_at",
    "rating": "rating",
    "qualityrate": "rating",
    "confidence": "confidence",
    "verification_indicator": "verification_indicator",
    "verificationindicator": "verification_indicator",
    "read_indicator": "read_indicator",
    "readindicator": "read_indicator",
    "index": "index",
}


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def parse_chatbot_id(value) -> int | None:
    """Chatbot ids as ints; Novumdesk's ``"chatbot_12"`` form is accepted too."""
    text = str(value or "").strip().lower().removeprefix("chatbot_").removeprefix("chatbot-")
    return int(text) if text.isdigit() and len(text) < 19 else None


def chatbot_list(*, organization: Organization) -> QuerySet[Chatbot]:
    from knowledge.models import Document

    return (
        Chatbot.objects.filter(organization=organization)
        .select_related("handoff_team")
        .prefetch_related(Prefetch("product_documents", queryset=Document.objects.only("id").order_by("id")))
        .order_by("name", "id")
    )


def chatbot_get(*, organization: Organization, chatbot_id) -> Chatbot | None:
    pk = parse_chatbot_id(chatbot_id)
    if pk is None:
        return None
    return (
        Chatbot.objects.select_related("organization", "handoff_team")
        .filter(organization=organization, pk=pk)
        .first()
    )


def chat_session_list(
    *,
    organization: Organization,
    membership=None,
    username: str | None = None,
    chatbot_id=None,
    status: str | None = None,
) -> QuerySet[ChatSession]:
    """Sessions of the organization; only ``membership``'s when given, only ``username``'s
    (case-insensitive) when given."""
    sessions = ChatSession.objects.filter(organization=organization)
    if membership is not None:
        sessions = sessions.filter(created_by=membership)
    if username:
        sessions = sessions.filter(username__iexact=username.strip())
    if chatbot_id not in (None, ""):
        sessions = sessions.filter(chatbot_id=parse_chatbot_id(chatbot_id) or -1)
    if status:
        sessions = sessions.filter(status=status)
    return (
        sessions.select_related("chatbot")
        .annotate(messages_total=Count("messages"))
        .order_by("-updated_at", "-id")
    )


def chat_session_get(*, organization: Organization, session_id, membership=None) -> ChatSession | None:
    """The session, if it is the organization's (and ``membership``'s, when given)."""
    value = parse_uuid(session_id)
    if value is None:
        return None
    sessions = ChatSession.objects.select_related("chatbot__organization", "created_by").filter(
        organization=organization, session_id=value
    )
    if membership is not None:
        sessions = sessions.filter(created_by=membership)
    return sessions.first()


def chat_messages(*, session: ChatSession) -> QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(session=session).order_by("index")


def training_list(*, organization: Organization, chatbot_id=None) -> QuerySet[Training]:
    trainings = Training.objects.filter(organization=organization).select_related("chatbot", "operation")
    if chatbot_id not in (None, ""):
        trainings = trainings.filter(chatbot_id=parse_chatbot_id(chatbot_id) or -1)
    return trainings.order_by("-created_at", "-id")


def training_get(*, organization: Organization, training_id) -> Training | None:
    value = parse_uuid(training_id)
    if value is None:
        return None
    return training_list(organization=organization).filter(training_id=value).first()


def _monitor_order(order) -> list[str]:
    """SysAid's ``[["createdAt", "DESC"], …]`` or ``"-created_at"`` → order_by fields."""
    fields: list[str] = []
    items = order if isinstance(order, list) else [order] if order else []
    for item in items:
        if isinstance(item, list | tuple) and item:
            name, direction = str(item[0]), str(item[1] if len(item) > 1 else "ASC")
            descending = direction.strip().upper() == "DESC"
        else:
            name = str(item)
            descending = name.startswith("-")
            name = name.lstrip("-+")
        field = MONITOR_ORDER_FIELDS.get(name.strip().lower().replace("-", "_"))
        if field:
            fields.append(f"-{field}" if descending else field)
    return [*fields, "-created_at", "-id"] if fields else ["-created_at", "-id"]


def monitor_records(
    *,
    organization: Organization,
    text: str | None = None,
    verification_indicator: int | None = None,
    rating: int | None = None,
    read_indicator: int | None = None,
    chatbot_id=None,
    max_confidence: float | None = None,
    mode: str | None = None,
    order=None,
) -> QuerySet[ChatMessage]:
    """Answers to review (SysAid ``monitor/query``), newest first unless ``order`` says otherwise."""
    records = ChatMessage.objects.filter(organization=organization, role=MessageRole.ASSISTANT)
    if text:
        records = records.filter(
            Q(question__icontains=text)
            | Q(content__icontains=text)
            | Q(corrected_question__icontains=text)
            | Q(corrected_answer__icontains=text)
        )
    if verification_indicator is not None:
        records = records.filter(verification_indicator=verification_indicator)
    if rating is not None:
        records = records.filter(rating=rating)
    if read_indicator is not None:
        records = records.filter(read_indicator=read_indicator)
    if chatbot_id not in (None, ""):
        records = records.filter(session__chatbot_id=parse_chatbot_id(chatbot_id) or -1)
    if max_confidence is not None:
        records = records.filter(confidence__lt=max_confidence)
    if mode:
        records = records.filter(mode=mode)
    return records.select_related("session__chatbot").order_by(*_monitor_order(order))


def monitor_record_get(*, organization: Organization, session_id, index) -> ChatMessage | None:
    value = parse_uuid(session_id)
    if value is None:
        return None
    return (
        ChatMessage.objects.select_related("session__chatbot")
        .filter(organization=organization, session__session_id=value, index=index)
        .first()
    )


def ai_prompt_list(*, organization: Organization) -> QuerySet[AIPrompt]:
    return AIPrompt.objects.filter(organization=organization).order_by("-is_builtin", "title", "id")


def conversation_get(*, organization: Organization, conversation_uuid):
    """The organization's conversation (for AI assist)."""
    from conversations.models import Conversation

    value = parse_uuid(conversation_uuid)
    if value is None:
        return None
    return (
        Conversation.objects.select_related("organization")
        .filter(organization=organization, uuid=value)
        .first()
    )


def conversation_by_reference(*, organization: Organization, reference):
    """The organization's conversation by its id (Nova Chat's widget ``id``) or its uuid."""
    from conversations.models import Conversation

    text = str(reference).strip()
    if text.isdigit():
        lookup = {"pk": int(text)} if 0 < int(text) < 2**63 else None
    else:
        value = parse_uuid(text)
        lookup = {"uuid": value} if value is not None else None
    if lookup is None:
        return None
    return (
        Conversation.objects.select_related("organization")
        .filter(organization=organization, **lookup)
        .first()
    )


def inbox_bot_for(inbox) -> InboxBot | None:
    """The bot set for ``inbox`` (active or not), with its chatbot, or None."""
    if inbox is None:
        return None
    return InboxBot.objects.select_related("chatbot").filter(inbox=inbox).first()
