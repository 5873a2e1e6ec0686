"""Which sources a search may read: the one definition the vector filter, the keyword index and
the database check all follow.

With no ids and no categories at all, the whole organization is allowed. Otherwise a document
chunk is allowed when its document id is listed OR its category is listed, and a knowledge-base
item when its id is listed OR its category is listed (and only if KB items are included)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _as_tuple(values: Iterable | None, cast) -> tuple | None:
    if values is None:
        return None
    return tuple(sorted({cast(value) for value in values}))


@dataclass(frozen=True)
class SourceScope:
    document_ids: tuple[int, ...] | None = None
    categories: tuple[str, ...] | None = None
    kb_item_ids: tuple[int, ...] | None = None
    include_documents: bool = True
    include_kb_items: bool = True

    @classmethod
    def build(
        cls,
        *,
        document_ids=None,
        categories=None,
        kb_item_ids=None,
        include_documents=True,
        include_kb_items=True,
    ) -> SourceScope:
        return cls(
            document_ids=_as_tuple(document_ids, int),
            categories=_as_tuple(categories, str),
            kb_item_ids=_as_tuple(kb_item_ids, int),
            include_documents=include_documents,
            include_kb_items=include_kb_items,
        )

    @property
    def unrestricted(self) -> bool:
        return self.document_ids is None and self.categories is None and self.kb_item_ids is None

    @property
    def allowed_document_ids(self) -> tuple[int, ...]:
        return self.document_ids or ()

    @property
    def allowed_categories(self) -> tuple[str, ...]:
        return self.categories or ()

    @property
    def allowed_kb_item_ids(self) -> tuple[int, ...]:
        return self.kb_item_ids or ()

    @property
    def documents_possible(self) -> bool:
        if not self.include_documents:
            return False
        return self.unrestricted or bool(self.allowed_document_ids or self.allowed_categories)

    @property
    def kb_items_possible(self) -> bool:
        if not self.include_kb_items:
            return False
        return self.unrestricted or bool(self.allowed_kb_item_ids or self.allowed_categories)

    @property
    def allows_nothing(self) -> bool:
        return not (self.documents_possible or self.kb_items_possible)

    def allows_document(self, document_id: int, category: str) -> bool:
        if not self.documents_possible:
            return False
        return (
            self.unrestricted
            or document_id in self.allowed_document_ids
            or category in self.allowed_categories
        )

    def allows_kb_item(self, kb_item_id: int, category: str) -> bool:
        if not self.kb_items_possible:
            return False
        return (
            self.unrestricted or kb_item_id in self.allowed_kb_item_ids or category in self.allowed_categories
        )
