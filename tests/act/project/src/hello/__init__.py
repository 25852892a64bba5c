"""A tiny library the pipeline lints, builds, tests and deploys."""


def greet(name: str) -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name}!"
