"""Background jobs of the tests: CKAN's worker, without its fork."""
from __future__ import annotations

from typing import Any

from ckan.lib import jobs as ckan_jobs


class Worker(ckan_jobs.Worker):
    """CKAN's worker (``ckan jobs worker``), performing each job in this
    process instead of a forked work horse, as rq's ``SimpleWorker`` does.

    The job's code is the same (rq's ``perform_job``, CKAN's clean-up after
    it, xloader's job downloading from the site and reporting through its
    API); what the fork adds is CKAN's ``load_environment`` in every child, a
    reload of every plugin with the configuration this process already runs:
    1.8 s of a job's 2.5 s (py-spy of tests/datastore). CKAN's
    ``execute_job`` still disposes the database engine before the job."""

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        self.perform_job(job, queue)

    def monitor_work_horse(self, job: Any, queue: Any) -> None:
        """Nothing to wait for: ``perform_job`` has recorded the job's end."""
