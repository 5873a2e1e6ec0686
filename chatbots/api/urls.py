"""``/api/v1/`` routes of the chatbots app."""

from helpdesk.api.routers import Router

router = Router()

urlpatterns = [*router.urls]
