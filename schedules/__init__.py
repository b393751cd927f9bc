"""APScheduler wiring only: the job functions and the function that registers them."""

from schedules.jobs import (
    catch_up,
    late_check_job,
    poll_job,
    refresh_authorities_job,
    register_jobs,
    run_forever,
    run_job_now,
)

__all__ = [
    "catch_up",
    "late_check_job",
    "poll_job",
    "refresh_authorities_job",
    "register_jobs",
    "run_forever",
    "run_job_now",
]
