"""The UI's navigation registry: apps add their areas and settings pages in ``AppConfig.ready()``.

The base layout shows only what is registered, so an area appears in the top navigation exactly
when the app that serves it is installed::

    register_nav_item("inbox", "Inbox", "conversations:inbox", order=10, icon="inbox", shortcut="g i")
    register_settings_page("inboxes", "Inboxes", "conversations:settings-inboxes", order=300,
                           section="Conversations")
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# Plain strings (not helpdesk.models.Role) so apps may import this module before models load.
ROLES = ("agent", "admin", "owner")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int
    icon: str = ""
    min_role: str = "agent"
    shortcut: str = ""
    landing: bool = True  # may the home page send people here?


@dataclass(frozen=True)
class SettingsPage:
    key: str
    label: str
    url_name: str
    order: int
    section: str = "Workspace"
    min_role: str = "admin"
    icon: str = ""
    description: str = ""


@dataclass(frozen=True)
class ResolvedLink:
    """A registered entry that the current member may see, with its URL resolved."""

    key: str
    label: str
    url: str
    icon: str
    shortcut: str
    active: bool
    description: str = ""


_nav_items: dict[str, NavItem] = {}
_settings_pages: dict[str, SettingsPage] = {}


def register_nav_item(
    key: str,
    label: str,
    url_name: str,
    order: int,
    icon: str = "",
    *,
    min_role: str = "agent",
    shortcut: str = "",
    landing: bool = True,
) -> None:
    """Add (or replace, by ``key``) an area of the top navigation.

    ``shortcut`` is a key sequence such as ``"g i"``; without one, ``g`` + the first free letter
    of the key is used. ``landing=False`` keeps the home page from redirecting to this area."""
    _check_role(min_role)
    _nav_items[key] = NavItem(key, label, url_name, order, icon, min_role, shortcut, landing)


def register_settings_page(
    key: str,
    label: str,
    url_name: str,
    order: int,
    section: str = "Workspace",
    min_role: str = "admin",
    *,
    icon: str = "",
    description: str = "",
) -> None:
    """Add (or replace, by ``key``) a page of the Settings sub-navigation. Sections are listed in
    the order of their first page; pages inside a section by ``order``."""
    _check_role(min_role)
    _settings_pages[key] = SettingsPage(key, label, url_name, order, section, min_role, icon, description)


def unregister(key: str) -> None:
    """Remove a nav item or settings page (tests use it to restore the registry)."""
    _nav_items.pop(key, None)
    _settings_pages.pop(key, None)


def nav_items() -> list[NavItem]:
    return sorted(_nav_items.values(), key=lambda item: (item.order, item.label))


def settings_pages() -> list[SettingsPage]:
    return sorted(_settings_pages.values(), key=lambda page: (page.order, page.label))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def _allowed(tenant, min_role: str) -> bool:
    return tenant is not None and tenant.has_role(min_role)


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        # A page registered by an app whose URLs are not mounted: hide it rather than break every page.
        logger.warning("navigation: cannot reverse %r, entry hidden", url_name)
        return None


def _is_active(path: str, url: str) -> bool:
    return url != "/" and (path == url or path.startswith(url.rstrip("/") + "/"))


def _shortcuts(items: list[NavItem]) -> dict[str, str]:
    """Explicit shortcuts first, then ``g`` + the first letter of the key not yet taken."""
    taken = {item.shortcut for item in items if item.shortcut}
    result = {}
    for item in items:
        if item.shortcut:
            result[item.key] = item.shortcut
            continue
        for letter in item.key.lower():
            candidate = f"g {letter}"
            if letter.isalpha() and candidate not in taken:
                taken.add(candidate)
                result[item.key] = candidate
                break
    return result


def visible_nav_items(tenant, path: str = "") -> list[ResolvedLink]:
    """The top-navigation areas ``tenant`` may open, in order, marked active for ``path``."""
    items = [item for item in nav_items() if _allowed(tenant, item.min_role)]
    shortcuts = _shortcuts(items)
    links = []
    for item in items:
        url = _url(item.url_name)
        if url is not None:
            links.append(
                ResolvedLink(
                    item.key, item.label, url, item.icon, shortcuts.get(item.key, ""), _is_active(path, url)
                )
            )
    return links


def landing_url(tenant) -> str | None:
    """Where the home page sends a member: the first area open to them that is a landing area."""
    for item in nav_items():
        if item.landing and _allowed(tenant, item.min_role):
            url = _url(item.url_name)
            if url is not None:
                return url
    return None


def visible_settings_sections(tenant, path: str = "") -> list[tuple[str, list[ResolvedLink]]]:
    """``[(section, [links…]), …]`` of the settings pages ``tenant`` may open."""
    sections: dict[str, list[ResolvedLink]] = {}
    for page in settings_pages():
        if not _allowed(tenant, page.min_role):
            continue
        url = _url(page.url_name)
        if url is None:
            continue
        sections.setdefault(page.section, []).append(
            ResolvedLink(page.key, page.label, url, page.icon, "", _is_active(path, url), page.description)
        )
    return list(sections.items())


def first_settings_url(tenant) -> str | None:
    for _, links in visible_settings_sections(tenant):
        return links[0].url
    return None
