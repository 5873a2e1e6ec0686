"""ASGI entry point (uvicorn): streaming chat answers are served asynchronously."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
application = get_asgi_application()
