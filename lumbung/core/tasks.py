from celery import shared_task

from .services import job_run_by_name


@shared_task(name="core.run_periodic_job")
def run_periodic_job(name: str) -> None:
    job_run_by_name(name)
