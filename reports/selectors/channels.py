"""Inboxes and tags tables: the overview's measures per inbox (with its channel) and per tag.
A conversation counts for its inbox, and for each of its tags (one with two tags counts under
both; ``No tag`` holds the untagged ones). The same aggregate queries as the agents and teams
tables, grouped by ``inbox`` or ``tags``, so a table costs the same few queries for any number
of conversations, inboxes or tags."""

from __future__ import annotations

from conversations.models import Inbox, Tag
from reports.filters import ReportFilters
from reports.selectors.database import without_jit
from reports.selectors.measures import empty_measures, measures
from reports.selectors.people import sort_rows


@without_jit
def inboxes_report(filters: ReportFilters, *, order_by: str | None = None) -> dict:
    """One row per inbox of the organization (disabled ones only if they had activity)."""
    by_inbox = measures(filters, group="inbox")
    inboxes = Inbox.objects.filter(organization=filters.organization)
    if filters.inbox is not None:
        inboxes = inboxes.filter(pk=filters.inbox.pk)
    rows = [
        {
            "inbox_id": inbox.pk,
            "name": inbox.name,
            "channel": inbox.channel,
            "channel_label": inbox.get_channel_display(),
            "enabled": inbox.enabled,
            **by_inbox.get(inbox.pk, empty_measures()),
        }
        for inbox in inboxes
        if inbox.enabled or inbox.pk in by_inbox
    ]
    return {"filters": filters.as_dict(), "results": sort_rows(rows, order_by or "name")}


@without_jit
def tags_report(filters: ReportFilters, *, order_by: str | None = None) -> dict:
    """One row per tag (and ``No tag``); a conversation counts under each of its tags."""
    by_tag = measures(filters, group="tags")
    tags = Tag.objects.filter(organization=filters.organization)
    if filters.tag is not None:
        # Narrowed to a tag: its row only (the conversations' other tags are not this report).
        tags = tags.filter(pk=filters.tag.pk)
    rows = [{"tag_id": tag.pk, "name": tag.name, **by_tag.get(tag.pk, empty_measures())} for tag in tags]
    if None in by_tag and filters.tag is None:
        rows.append({"tag_id": None, "name": "No tag", **by_tag[None]})
    return {"filters": filters.as_dict(), "results": sort_rows(rows, order_by or "name")}
