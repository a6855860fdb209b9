"""The Celery application. With no broker configured, tasks run in-process (eager).

Periodic jobs are plain services registered with ``lumbung.core.periodic``; in production ``celery beat``
runs them through the ``lumbung.core.tasks.run_periodic_job`` task, and under ``make run`` the
``lumbung tick`` loop runs the same services directly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")

app = Celery("lumbung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_periodic_jobs(sender: Celery, **kwargs: object) -> None:
    from lumbung.core.periodic import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
