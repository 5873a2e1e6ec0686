"""The report facts (``ConversationFacts``, one row per conversation) the filters keep: what the
measures, the series and the bot report aggregate over."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.filters import ReportFilters, filters_apply
from reports.models import ConversationFacts

# A report's group (a conversation's field) as a path from its facts row.
GROUP_PATHS = {"tags": "conversation__tags"}


def facts_in_scope(filters: ReportFilters) -> QuerySet:
    """The organization's conversation facts the filters keep (merged-away duplicates left out),
    as ``reports.filters.conversations_in_scope`` keeps conversations."""
    queryset = ConversationFacts.objects.filter(organization=filters.organization, merged=False)
    return filters_apply(queryset, filters, tags=GROUP_PATHS["tags"])


def group_path(group: str | None) -> str | None:
    return GROUP_PATHS.get(group, group) if group else None
