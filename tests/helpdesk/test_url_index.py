"""``/api/v1/`` resolved by first segment gives exactly what Django's sequential resolution gives:
the same view, arguments, name and route for every documented path (with and without the
trailing slash, with a format suffix), and a 404 for the same paths."""

import uuid

import pytest
from django.urls import URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from drf_spectacular.generators import SchemaGenerator

from helpdesk.url_index import IndexedResolver, literal_start


def api_resolver():
    return next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")


def documented_paths() -> list[str]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    sample = str(uuid.uuid4())
    concrete = []
    for template in paths:
        path = template
        while "{" in path:
            start, end = path.index("{"), path.index("}")
            name = path[start + 1 : end]
            path = path[:start] + (sample if "uuid" in name else "12") + path[end + 1 :]
        concrete.append(path)
    return concrete


def outcome(resolver, path):
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    return match.func, match.args, match.kwargs, match.url_name, match.route


def test_the_api_is_resolved_through_the_index():
    assert isinstance(api_resolver(), IndexedResolver)


def test_every_path_resolves_as_django_resolves_it():
    indexed = api_resolver()
    plain = URLResolver(indexed.pattern, indexed.url_patterns, indexed.default_kwargs)
    paths = documented_paths()
    assert len(paths) > 100
    extra = ["api/v1/", "api/v1/nothing-here", "api/v1/conversations/x/y/z", "api/v1/tickets.json",
             "api/v1/teams.json", "api/v1/conversations/all.json", "api/v1//conversations"]  # fmt: skip
    checked = 0
    for path in [*paths, *extra]:
        path = path.lstrip("/")
        for variant in {path, path.rstrip("/"), path.rstrip("/") + "/"}:
            assert outcome(indexed, variant) == outcome(plain, variant), variant
            checked += outcome(plain, variant) is not None
    assert checked > 100


@pytest.mark.parametrize(
    ("pattern", "start"),
    [
        (RegexPattern(r"^conversations/(?P<uuid>[0-9a-f-]{32,36})/?$"), "conversations/"),
        (RegexPattern(r"^conversations/?$"), "conversations"),
        (RegexPattern(r"^conversations\.(?P<format>[a-z0-9]+)/?$"), "conversations"),
        (RegexPattern(r"^chats?/$"), "chat"),
        (RegexPattern(r"^(?:a|b)/$"), ""),
        (RegexPattern(r"tickets/$"), ""),  # unanchored: searched anywhere in the path
        (RoutePattern("teams/<int:pk>/members"), "teams/"),
        (RoutePattern(""), ""),
    ],
)
def test_literal_start(pattern, start):
    assert literal_start(pattern) == start
