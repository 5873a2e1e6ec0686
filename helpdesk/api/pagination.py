import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import exceptions, pagination
from rest_framework.response import Response


class CachedCountPaginator(Paginator):
    """Django's paginator whose ``COUNT(*)`` of a large list is reused for a few seconds.

    The count of a big unfiltered list was 43 % of a list request at 100k conversations. A count
    of at least ``API_COUNT_CACHE_MIN`` rows is kept ``API_COUNT_CACHE_SECONDS`` under a key made
    of the count query itself (organization, filters and all), so two lists never share one;
    smaller lists are always counted exactly (what a person checks by eye stays exact). A view
    may name its list itself (``count_key``, see ``request_count_key``): the key is then built
    without compiling the count query, which costs as much as running it on a hot list."""

    def __init__(self, object_list, per_page, *, count_key: str | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    def _cache_key(self) -> str | None:
        if self.count_key is not None:
            return "api-count:" + hashlib.sha256(self.count_key.encode()).hexdigest()
        query = getattr(self.object_list, "query", None)
        if query is None:
            return None
        try:
            sql, params = query.sql_with_params()
        except Exception:  # an empty result (EmptyResultSet) and the like: count it plainly
            return None
        return "api-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()

    @cached_property
    def count(self) -> int:
        seconds = int(getattr(settings, "API_COUNT_CACHE_SECONDS", 10))
        key = self._cache_key() if seconds > 0 else None
        if key is None:
            return super().count
        cached = cache.get(key)
        if cached is not None:
            return cached
        value = super().count
        if value >= int(getattr(settings, "API_COUNT_CACHE_MIN", 1000)):
            cache.set(key, value, seconds)
        return value


PAGING_PARAMETERS = frozenset({"page", "per_page", "page_size", "order_by"})


def request_count_key(request, *, organization_id: int, membership_id: int) -> str:
    """The count key of a list whose rows depend only on its path, the caller (organization and
    membership) and its query parameters: all of them but paging and ordering."""
    params = sorted(
        (name, tuple(values))
        for name, values in request.query_params.lists()
        if name not in PAGING_PARAMETERS
    )
    return f"{organization_id}|{membership_id}|{request.path}|{params!r}"


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=&per_page=`` (alias ``page_size``) → {count, page, per_page, total_pages, results}."""

    page_size = 20
    page_size_query_param = "per_page"
    max_page_size = 200

    def get_page_size(self, request):
        """``per_page`` or its alias ``page_size``: a positive whole number, capped at 200;
        anything else is a 400 (``per_page=true`` is not a page size)."""
        for param in (self.page_size_query_param, "page_size"):
            if param in request.query_params:
                raw = request.query_params[param].strip()
                if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
                    raise exceptions.ValidationError({param: ["Give a whole number from 1 to 200."]})
                return min(int(raw), self.max_page_size)
        return self.page_size

    def paginate_queryset(self, queryset, request, view=None, *, count_key: str | None = None):
        self.count_key = count_key
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        return CachedCountPaginator(object_list, per_page, count_key=getattr(self, "count_key", None))

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "per_page": self.page.paginator.per_page,
                "total_pages": self.page.paginator.num_pages,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "per_page", "total_pages", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "per_page": {"type": "integer", "example": 20},
                "total_pages": {"type": "integer", "example": 7},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in ("page", self.page_size_query_param):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        parameters.append(
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Alias of per_page.",
                "schema": {"type": "integer", "minimum": 1},
            }
        )
        return parameters
