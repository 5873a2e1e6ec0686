"""Root URL configuration. Apps are named by string: the helpdesk imports none of them."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.urls.resolvers import RoutePattern
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from helpdesk.api.views.fallback import UnknownApiPathView
from helpdesk.api.views.health import RootHealthView
from helpdesk.url_index import IndexedResolver

api_v1 = [
    path("", include("helpdesk.api.urls")),
    path("", include("conversations.api.urls")),
    path("", include("knowledge.api.urls")),
    path("", include("chatbots.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^health/?$", RootHealthView.as_view(), name="health"),
    # path("api/v1/", include(api_v1)), trying only the routes of the first path segment
    IndexedResolver(RoutePattern("api/v1/", is_endpoint=False), api_v1),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^api(?:/.*)?$", UnknownApiPathView.as_view(), name="api-unknown-path"),
    path("", include("helpdesk.views.urls")),
    path("", include("conversations.urls")),
    path("", include("knowledge.urls")),
    path("", include("chatbots.urls")),
    path("", include("reports.urls")),
]

handler404 = "helpdesk.views.errors.not_found"
handler500 = "helpdesk.views.errors.server_error"
handler403 = "helpdesk.views.errors.forbidden"
handler400 = "helpdesk.views.errors.bad_request"
