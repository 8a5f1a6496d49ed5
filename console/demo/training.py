"""Demo step for the training stage (called by `manage.py demo`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from core.models import Project, User
from registry.models import Dataset
from training import services
from training.models import TERMINAL, TrainingJob

DEMO_SPEC = {
    "estimator": "logistic_regression",
    "search": {"kind": "grid", "space": {"C": [0.01, 0.1, 1.0, 10.0]}},
    "cv_folds": 5,
    "scoring": "f1_macro",
    "seed": 42,
}


def progress(out: Any, text: str) -> None:
    """Redraw a progress line in place (no newline) on a management command's output or a plain stream."""
    try:
        out.write(text, ending="")
    except TypeError:
        out.write(text)
    if hasattr(out, "flush"):
        out.flush()


def bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / total) if total else 0
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def _follow(job: TrainingJob, out: Any, timeout: float = 600) -> TrainingJob:
    """Poll the job (it runs inline on the embedded default, on a worker in production) with a progress bar."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        progress(out, f"\r    training {bar(job.progress_done, job.progress_total)} {job.status:<10}")
        if job.status in TERMINAL or time.monotonic() > deadline:
            out.write("")
            return job
        time.sleep(0.5)


def train_model(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    dataset = Dataset.objects.get(project=project, name="breast-cancer")
    version = dataset.versions.order_by("-number").first()
    if version is None:
        raise RuntimeError("the demo dataset has no version; the upload step did not run")
    job = TrainingJob.objects.filter(project=project, dataset_version=version, status="succeeded").first()
    if job is None:
        job = services.training_job_submit(
            project=project,
            user=user,
            dataset_version=version,
            spec=DEMO_SPEC,
            experiment_name="demo",
            register_model_name="diagnosis",
            run_name="demo-logistic-regression",
        )
        job = _follow(job, out)
    else:
        out.write(f"    reusing finished training job {job.uid}\n")
    if job.status != "succeeded":
        raise RuntimeError(f"training job ended {job.status}: {job.error}")
    metrics = job.result["metrics"]
    acceptance = "passed" if job.result["acceptance"]["passed"] else "failed"
    out.write(
        f"    best C={job.result['best_params'].get('C')}  CV f1_macro={job.result['cv']['best_score_mean']:.3f}"
        f"  holdout f1_macro={metrics['f1_macro']:.3f}  roc_auc={metrics['roc_auc']:.3f}"
        f"  acceptance {acceptance}\n"
    )
    return {
        "Training": f"run {job.run.run_id if job.run else '-'}: holdout f1_macro {metrics['f1_macro']:.3f}, "
        f"acceptance {acceptance}"
    }


def steps() -> Iterator[tuple[str, Any]]:
    yield "Train with a 5-fold cross-validated grid search and evaluate on the holdout", train_model
