"""Settings for the Celery worker that the Celery-lane test starts: the project's settings with a
retry backoff of about a second, so one injected failure and its retry fit in a short test."""

from lumbung.settings import *  # noqa: F403

LUMBUNG_OUTBOX_RETRY_BASE_SECONDS = 1
LUMBUNG_OUTBOX_RETRY_CAP_SECONDS = 2
