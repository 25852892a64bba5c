"""actiongen: generate and check hardened GitHub Actions CI/CD pipelines."""

__version__ = "0.1.0"
