"""Knowledge-base items (Q&A): create, edit, delete, bulk import, verify.

Items are written to the database at once and indexed (embedded into the vector store) by a
task on the ``ingest`` queue; until then keyword search already finds them."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk import limits
from helpdesk.errors import DomainError
from helpdesk.unset import UNSET, Unset, given
from knowledge import embeddings, vectorstore
from knowledge.models import KnowledgeItem, KnowledgeSource
from knowledge.services.documents import DocumentError, clean_tags

logger = logging.getLogger(__name__)

TITLE_MAX, CONTENT_MAX, CATEGORY_MAX = 500, 20000, 100
ITEM_FIELDS = {"title", "content", "category", "tags", "question", "answer", "verified", "id"}


class KnowledgeItemError(DomainError):
    pass


def _text(value, *, field: str, max_length: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise KnowledgeItemError("Must be text.", field=field)
    value = str(value).strip()
    if required and not value:
        raise KnowledgeItemError("This field is required.", field=field)
    if len(value) > max_length:
        raise KnowledgeItemError(f"At most {max_length} characters.", field=field)
    return value


def clean_item(data) -> dict:
    """Validate one item given as {title, content} or {question, answer} (+ category, tags).
    Raises ``KnowledgeItemError`` naming the first bad field."""
    if not isinstance(data, dict):
        raise KnowledgeItemError("Each item must be an object with a title and a content.", field="item")
    title = data.get("title") if data.get("title") not in (None, "") else data.get("question")
    content = data.get("content") if data.get("content") not in (None, "") else data.get("answer")
    title_field = "title" if "title" in data or "question" not in data else "question"
    content_field = "content" if "content" in data or "answer" not in data else "answer"
    try:
        tags = clean_tags(data.get("tags"))
    except DocumentError as exc:
        raise KnowledgeItemError(exc.message, field="tags")
    return {
        "title": _text(title, field=title_field, max_length=TITLE_MAX, required=True),
        "content": _text(content, field=content_field, max_length=CONTENT_MAX, required=True),
        "category": _text(data.get("category"), field="category", max_length=CATEGORY_MAX, required=False),
        "tags": tags,
    }


def queue_index(organization_id: int, item_ids: list[int]) -> None:
    """Embed the items after commit, on the ``ingest`` queue."""
    if not item_ids:
        return

    from helpdesk import jobs
    from knowledge import tasks

    # Unqueued (broker down), they stay unindexed until the next edit or a reindex; keyword
    # search finds them meanwhile.
    jobs.enqueue_on_commit(tasks.index_kb_items, organization_id, list(item_ids))


def kb_items_index(*, organization, item_ids=None) -> int:
    """Embed and upsert items (all the organization's when ``item_ids`` is None). Returns the count."""
    items = KnowledgeItem.objects.filter(organization=organization)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    count = 0
    batch_size = max(settings.EMBEDDING_BATCH_SIZE, 1) * 8
    items = list(items.order_by("pk"))
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        vectors = embeddings.embed_texts([item.indexed_text for item in batch])
        vectorstore.upsert(
            organization,
            [item.vector_id for item in batch],
            vectors,
            [item.indexed_text for item in batch],
            [
                {
                    "source_type": "kb_item",
                    "kb_item_id": item.pk,
                    "category": item.category,
                    "title": item.title[:300],
                    "verified": item.verified,
                }
                for item in batch
            ],
        )
        KnowledgeItem.objects.filter(pk__in=[item.pk for item in batch]).update(
            embedding_model=embeddings.embedding_model_name(), indexed_at=timezone.now()
        )
        count += len(batch)
    return count


@transaction.atomic
def kb_item_create(
    *,
    organization,
    title: str,
    content: str,
    category: str = "",
    tags=(),
    verified: bool = False,
    source: str = KnowledgeSource.MANUAL,
    created_by=None,
) -> KnowledgeItem:
    cleaned = clean_item({"title": title, "content": content, "category": category, "tags": list(tags or [])})
    limits.ensure_within_limit(organization, "kb_items")
    item = KnowledgeItem.objects.create(
        organization=organization, verified=bool(verified), source=source, created_by=created_by, **cleaned
    )
    queue_index(organization.pk, [item.pk])
    return item


@transaction.atomic
def kb_item_update(
    *,
    item: KnowledgeItem,
    title: str | Unset = UNSET,
    content: str | Unset = UNSET,
    category: str | Unset = UNSET,
    tags: Sequence[str] | Unset = UNSET,
    verified: bool | Unset = UNSET,
) -> KnowledgeItem:
    """Change what is given (``UNSET`` stays; the form, serializer or admin checked the shape:
    ``TITLE_MAX``, ``CONTENT_MAX``, ``CATEGORY_MAX``) and index the item again."""
    changes = given(locals(), exclude=("item",))
    for field in ("title", "content", "category"):
        if field in changes:
            changes[field] = changes[field].strip()
    if "tags" in changes:
        changes["tags"] = clean_tags(list(changes["tags"]))
    for field, value in changes.items():
        setattr(item, field, value)
    item.save()
    queue_index(item.organization_id, [item.pk])
    return item


# The fields kb_item_update takes (the admin edits these).
EDITABLE_FIELDS = tuple(name for name in inspect.signature(kb_item_update).parameters if name != "item")


def kb_item_delete(*, item: KnowledgeItem) -> None:
    """Delete the item and its vector."""
    try:
        vectorstore.delete(item.organization_id, ids=[item.vector_id])
    except vectorstore.VectorStoreUnavailable as exc:
        raise KnowledgeItemError(
            f"The vector store is unreachable, so the item was not deleted: {exc}", code="unavailable"
        )
    item.delete()


def kb_items_import(
    *,
    organization,
    items,
    created_by=None,
    max_items: int | None = None,
    source: str = KnowledgeSource.IMPORT,
) -> list[KnowledgeItem]:
    """Create every item or none. Errors name each bad item: ``extra["errors"]`` maps the item's
    position to its field errors."""
    max_items = max_items or settings.KB_IMPORT_MAX_ITEMS
    if not isinstance(items, list):
        raise KnowledgeItemError("Send a JSON array of items.", field="items")
    if not items:
        raise KnowledgeItemError("The array is empty: nothing to import.", field="items")
    if len(items) > max_items:
        raise KnowledgeItemError(
            f"At most {max_items} items per import; this one has {len(items)}. Split it into smaller batches.",
            field="items",
            code="too_large",
            extra={"max_items": max_items, "received": len(items)},
        )
    cleaned, errors = [], {}
    for position, data in enumerate(items):
        try:
            cleaned.append(clean_item(data))
        except KnowledgeItemError as exc:
            errors[str(position)] = {exc.field or "item": [exc.message]}
    if errors:
        raise KnowledgeItemError(
            f"{len(errors)} of {len(items)} items are invalid; nothing was imported.",
            field="items",
            extra={"errors": errors},
        )
    limits.ensure_within_limit(organization, "kb_items", adding=len(cleaned))
    with transaction.atomic():
        created = KnowledgeItem.objects.bulk_create(
            [
                KnowledgeItem(organization=organization, source=source, created_by=created_by, **data)
                for data in cleaned
            ]
        )
        if any(item.pk is None for item in created):  # backends that do not return ids
            created = list(
                KnowledgeItem.objects.filter(organization=organization).order_by("-pk")[: len(cleaned)]
            )[::-1]
        queue_index(organization.pk, [item.pk for item in created])
    return created


@transaction.atomic
def kb_item_verify(
    *, organization, question: str, answer: str, category: str = "", source: str = KnowledgeSource.MONITOR
) -> KnowledgeItem:
    """Record a verified answer: update the item with the same question, or create one."""
    cleaned = clean_item({"title": question, "content": answer, "category": category})
    item = (
        KnowledgeItem.objects.select_for_update()
        .filter(organization=organization, title__iexact=cleaned["title"])
        .order_by("-verified", "-updated_at")
        .first()
    )
    if item is None:
        limits.ensure_within_limit(organization, "kb_items")
        item = KnowledgeItem.objects.create(
            organization=organization, verified=True, source=source, **cleaned
        )
    else:
        item.content = cleaned["content"]
        item.category = cleaned["category"] or item.category
        item.verified = True
        item.save(update_fields=["content", "category", "verified", "updated_at"])
    queue_index(organization.pk, [item.pk])
    return item
