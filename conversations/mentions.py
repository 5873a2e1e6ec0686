"""@mentions in private notes: ``@ana`` (the part of a teammate's email before the @, which the
composer's autocomplete inserts) or ``@ana@acme.test`` (the whole address) names an agent of the
organization. The stored note shows each mention highlighted: the already sanitized HTML gets a
``<span class="mention">`` around it, built by BeautifulSoup (so names are escaped) and never
inside a link or code."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString
from django.db.models import Q

from helpdesk.models import Membership

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
MAX_MENTIONS = 20
SKIPPED_PARENTS = {"a", "code", "pre"}


def _handle(raw: str) -> str:
    return raw.rstrip(".-").lower()


def mention_handles(text: str) -> list[str]:
    """The distinct handles written in ``text``, in order (at most MAX_MENTIONS)."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        handle = _handle(match.group(1))
        if handle:
            seen.setdefault(handle, None)
    return list(seen)[:MAX_MENTIONS]


def mentions_resolve(*, organization, text: str) -> dict[str, list[Membership]]:
    """Handle → the active agents of ``organization`` it names (one query)."""
    handles = mention_handles(text)
    if not handles:
        return {}
    wanted = Q()
    for handle in handles:
        wanted |= Q(user__email__iexact=handle) if "@" in handle else Q(user__email__istartswith=f"{handle}@")
    members = list(
        Membership.objects.filter(wanted, organization=organization, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    found: dict[str, list[Membership]] = {}
    for handle in handles:
        named = [
            m
            for m in members
            if (
                m.user.email.lower() == handle
                if "@" in handle
                else m.user.email.lower().startswith(f"{handle}@")
            )
        ]
        if named:
            found[handle] = named
    return found


def mentions_highlight(content: str, handles: set[str]) -> str:
    """``content`` (safe HTML) with each mention of ``handles`` wrapped in a highlighting span."""
    if not handles:
        return content
    soup = BeautifulSoup(content, "html.parser")
    for node in list(soup.find_all(string=True)):
        if not isinstance(node, NavigableString) or any(p.name in SKIPPED_PARENTS for p in node.parents):
            continue
        text = str(node)
        pieces, last = [], 0
        for match in MENTION.finditer(text):
            if _handle(match.group(1)) not in handles:
                continue
            end = match.start(1) + len(match.group(1).rstrip(".-"))
            pieces.append(text[last : match.start()])
            span = soup.new_tag("span", attrs={"class": "mention"})
            span.string = text[match.start() : end]
            pieces.append(span)
            last = end
        if not pieces:
            continue
        pieces.append(text[last:])
        for piece in pieces:
            node.insert_before(piece)
        node.extract()
    return str(soup)
