"""Console tasks. Their names keep the ``monitoring.`` prefix they were queued under (and routed by)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from console.services.loadrun import load_test_run


@shared_task(name="monitoring.simulate", acks_late=False, soft_time_limit=3700, time_limit=3760)
def simulate(project_id: int, user_id: int, params: dict[str, Any]) -> dict[str, Any]:
    """Run the traffic simulator (not retried: a half-run simulation would double the traffic)."""
    from console.services.simulation import simulation_build, simulation_run
    from core.models import Project, User

    project, user = Project.objects.get(pk=project_id), User.objects.get(pk=user_id)
    sim = simulation_build(project=project, **params)
    return simulation_run(sim=sim, user=user)


@shared_task(name="monitoring.run_load_test", acks_late=True, soft_time_limit=900, time_limit=960)
def run_load_test(load_test_id: int) -> dict[str, Any]:
    test = load_test_run(load_test_id=load_test_id)
    return {"load_test": load_test_id, "status": test.status if test else "already claimed"}
