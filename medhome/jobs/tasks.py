"""The one django.tasks task behind every periodic job: run one attempt of a JobRun.

Its only argument is the run's id (what to do is on the row), so a queue row never carries PHI
and a re-delivered row is recognised by its id.
"""

from django.tasks import TaskContext, task

from medhome.core import clock

from . import services


@task(takes_context=True)
def run_job(context: TaskContext, run_id: str) -> int | None:
    return services.execute(run_id=run_id, task_id=str(context.task_result.id), clock=clock.now)
