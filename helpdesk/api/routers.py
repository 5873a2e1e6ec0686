from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Paths answer with and without a trailing slash (API.md), with no redirect."""

    include_root_view = False

    def __init__(self):
        super().__init__(trailing_slash="/?")
