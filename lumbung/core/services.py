"""Core services: running periodic jobs."""

from __future__ import annotations

import logging
import traceback

from django.db import transaction
from django.utils import timezone

from .models import JobRun
from .periodic import PeriodicJob, get_job, jobs

log = logging.getLogger(__name__)


def job_run(job: PeriodicJob) -> None:
    """Run one job now and record it. A failure is logged and recorded, never raised to the loop."""
    run, _ = JobRun.objects.get_or_create(name=job.name)
    run.last_started_at = timezone.now()
    run.save(update_fields=["last_started_at"])
    error = ""
    try:
        if job.atomic:
            with transaction.atomic():
                job.func()
        else:
            job.func()
    except Exception:
        error = traceback.format_exc(limit=5)
        log.exception("periodic job %s failed", job.name)
    run.last_finished_at = timezone.now()
    run.last_error = error
    run.save(update_fields=["last_finished_at", "last_error"])


def job_run_by_name(name: str) -> None:
    job_run(get_job(name))


def jobs_run_due() -> list[str]:
    """Run every job whose interval has passed since it last started. Returns the names run."""
    now = timezone.now()
    last = dict(JobRun.objects.values_list("name", "last_started_at"))
    ran = []
    for job in jobs():
        started = last.get(job.name)
        if started is None or now - started >= job.every:
            job_run(job)
            ran.append(job.name)
    return ran
