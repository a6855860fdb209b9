"""Periodic jobs are plain services registered here.

``celery beat`` runs them in production (each through the ``core.run_periodic_job`` task), and
``lumbung tick`` runs the due ones directly under ``make run``. Tests call the services themselves
under a frozen, advanced clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], object]
    # A job that calls an outside provider manages its own short transactions, so no lock is held
    # during the call (on SQLite one transaction is the whole database's write lock).
    atomic: bool = True


_jobs: dict[str, PeriodicJob] = {}


def periodic(
    name: str, *, every: timedelta, atomic: bool = True
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        _jobs[name] = PeriodicJob(name=name, every=every, func=func, atomic=atomic)
        return func

    return register


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get_job(name: str) -> PeriodicJob:
    return _jobs[name]


def beat_schedule() -> dict[str, dict[str, object]]:
    return {
        job.name: {
            "task": "core.run_periodic_job",
            "schedule": job.every.total_seconds(),
            "args": (job.name,),
        }
        for job in jobs()
    }
