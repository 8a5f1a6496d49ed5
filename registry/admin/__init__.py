from registry.admin import datasets, experiments  # noqa: F401
