from registry.admin import datasets, experiments, models  # noqa: F401
