from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Paths answer with and without a trailing slash (API.md), with no redirect."""

    include_root_view = False

    def __init__(self):
        super().__init__()
        # DRF only accepts True/False here (and turns any truthy value into "/"), so set the
        # optional-slash regex after initialisation.
        self.trailing_slash = "/?"
