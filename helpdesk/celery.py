"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, task_failure, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

# Every task derives from the jobs layer's base task (retries, late acks, on_failure).
app = Celery("parley", task_cls="helpdesk.jobs:ParleyTask")
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


@task_failure.connect
def _task_failed(**kwargs) -> None:
    from helpdesk import jobs

    jobs.failed_outside_the_task(**kwargs)


@worker_ready.connect
def _sweep_stale_operations(**kwargs) -> None:
    from helpdesk import jobs

    jobs.sweep_at_worker_start(**kwargs)
