"""Statuses (built-in Open/Snoozed/Resolved/Closed plus custom ones) and tags."""

from __future__ import annotations

from django.db.models import Q

from conversations.errors import ConversationError
from conversations.models import Priority, Status, StatusCategory, Tag
from helpdesk.models import Organization

NAME_MAX_LENGTH = 50
MAX_TAGS_PER_CALL = 50


def _clean_name(name: str, *, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ConversationError("A name is required.", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise ConversationError(f"A name has at most {NAME_MAX_LENGTH} characters.", field=field)
    return name


def status_create(*, organization: Organization, name: str, category: str = StatusCategory.OPEN) -> Status:
    """A custom status. Its ``category`` says how the product treats it (open by default)."""
    name = _clean_name(name)
    if category not in StatusCategory.values:
        raise ConversationError(
            f"category must be one of {', '.join(StatusCategory.values)}.", field="category"
        )
    if Status.objects.filter(organization=organization, name__iexact=name).exists():
        raise ConversationError("A status with this name exists already.", field="name", code="conflict")
    return Status.objects.create(organization=organization, name=name, category=category)


def status_update(*, status: Status, name: str | None = None, category: str | None = None) -> Status:
    if status.is_builtin:
        raise ConversationError("Built-in statuses cannot be changed.", code="permission_denied")
    if name is not None:
        name = _clean_name(name)
        if (
            Status.objects.filter(organization_id=status.organization_id, name__iexact=name)
            .exclude(pk=status.pk)
            .exists()
        ):
            raise ConversationError("A status with this name exists already.", field="name", code="conflict")
        status.name = name
    if category is not None:
        if category not in StatusCategory.values:
            raise ConversationError(
                f"category must be one of {', '.join(StatusCategory.values)}.", field="category"
            )
        status.category = category
    status.save()
    return status


def status_delete(*, status: Status) -> None:
    if status.is_builtin:
        raise ConversationError("Built-in statuses cannot be deleted.", code="permission_denied")
    if status.conversations.exists():
        raise ConversationError(
            "Conversations have this status: move them to another status first.", code="conflict"
        )
    status.delete()


def status_by_name(*, organization: Organization, name: str) -> Status:
    """Resolve a status given by name (case-insensitive) or id."""
    value = str(name or "").strip()
    if not value:
        raise ConversationError("A status is required.", field="status")
    queryset = Status.objects.filter(organization=organization)
    status = queryset.filter(name__iexact=value).first()
    if status is None and value.isdigit():
        status = queryset.filter(pk=int(value)).first()
    if status is None:
        names = ", ".join(queryset.values_list("name", flat=True))
        raise ConversationError(f"Unknown status '{value}'. Use one of: {names}.", field="status")
    return status


def priority_value(value) -> int | None:
    """A priority given by name (Low, Medium, High, Urgent; any case) or id (1-4); None/"" clears."""
    if value is None or value == "" or str(value).lower() == "none":
        return None
    text = str(value).strip()
    if text.isdigit() and int(text) in Priority.values:
        return int(text)
    for choice in Priority:
        if choice.label.lower() == text.lower():
            return choice.value
    labels = ", ".join(Priority.labels)
    raise ConversationError(f"Unknown priority '{text}'. Use one of: {labels}.", field="priority")


def tag_create(*, organization: Organization, name: str) -> Tag:
    name = _clean_name(name)
    if Tag.objects.filter(organization=organization, name__iexact=name).exists():
        raise ConversationError("A tag with this name exists already.", field="name", code="conflict")
    return Tag.objects.create(organization=organization, name=name)


def tag_update(*, tag: Tag, name: str) -> Tag:
    name = _clean_name(name)
    if Tag.objects.filter(organization_id=tag.organization_id, name__iexact=name).exclude(pk=tag.pk).exists():
        raise ConversationError("A tag with this name exists already.", field="name", code="conflict")
    tag.name = name
    tag.save(update_fields=["name"])
    return tag


def tag_delete(*, tag: Tag) -> None:
    tag.delete()


def tags_get_or_create(*, organization: Organization, names: list[str]) -> list[Tag]:
    """Tags by name (case-insensitive), creating the missing ones; duplicates dropped."""
    if isinstance(names, str) or not isinstance(names, list | tuple):
        raise ConversationError("tags must be a list of names.", field="tags")
    if len(names) > MAX_TAGS_PER_CALL:
        raise ConversationError(f"At most {MAX_TAGS_PER_CALL} tags at once.", field="tags")
    wanted: dict[str, str] = {}
    for raw in names:
        name = _clean_name(str(raw), field="tags")
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    query = Q()
    for name in wanted.values():
        query |= Q(name__iexact=name)
    existing = {tag.name.lower(): tag for tag in Tag.objects.filter(organization=organization).filter(query)}
    return [
        existing.get(key) or Tag.objects.create(organization=organization, name=name)
        for key, name in wanted.items()
    ]
