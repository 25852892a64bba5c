"""The act end-to-end test's material (see tests/test_act_pipeline.py), not tests to collect."""

from __future__ import annotations

# The sample project's own unit tests run inside the pipeline under act, not in this suite.
collect_ignore = ["project", "stubs"]
