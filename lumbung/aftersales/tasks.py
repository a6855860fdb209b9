"""After-sales has no Celery tasks of its own: its deadline job is a plain service in
services/jobs.py, registered with lumbung.core.periodic and run by ``core.run_periodic_job``."""
