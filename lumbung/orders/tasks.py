"""Orders has no Celery tasks of its own: its periodic jobs are plain services in services/jobs.py,
registered with lumbung.core.periodic and run by ``core.run_periodic_job``."""
