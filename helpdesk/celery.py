"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
@beat_init.connect
def _prepare_runtime(**_kwargs) -> None:
    """The worker and beat may be started without manage.py: make the broker folders then."""
    import django

    django.setup()
    from helpdesk import runtime

    runtime.prepare()
