"""``/api/v1/`` routes of the conversations app."""

from helpdesk.api.routers import Router

router = Router()

urlpatterns = [*router.urls]
