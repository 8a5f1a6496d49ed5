"""Pipelines are saved and loaded by ``registry.model_io`` (serving loads them too); re-exported here."""

from registry.model_io import TRUSTED_TYPES, UntrustedModelError, load_pipeline, save_pipeline

__all__ = ["TRUSTED_TYPES", "UntrustedModelError", "load_pipeline", "save_pipeline"]
