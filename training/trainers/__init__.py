"""Keel's pure scikit-learn training core: spec validation, pipelines, CV search, evaluation, persistence.

No Django imports: usable from a notebook and tested without a database. The training job (``training.tasks``)
wires it to dataset versions, runs and model versions.
"""

from training.trainers.criteria import check_criteria
from training.trainers.estimators import ESTIMATORS, estimator_names, make_estimator
from training.trainers.persist import TRUSTED_TYPES, UntrustedModelError, load_pipeline, save_pipeline
from training.trainers.pipeline import build_pipeline, infer_kinds
from training.trainers.search import SearchCancelled, SearchFailed
from training.trainers.spec import DEFAULT_SCORING, SearchSpec, TrainingSpec, validate_spec
from training.trainers.train import TrainingError, TrainingResult, train

__all__ = [
    "DEFAULT_SCORING",
    "ESTIMATORS",
    "TRUSTED_TYPES",
    "SearchCancelled",
    "SearchFailed",
    "SearchSpec",
    "TrainingError",
    "TrainingResult",
    "TrainingSpec",
    "UntrustedModelError",
    "build_pipeline",
    "check_criteria",
    "estimator_names",
    "infer_kinds",
    "load_pipeline",
    "make_estimator",
    "save_pipeline",
    "train",
    "validate_spec",
]
