"""Every real workflow and action file in ../shared/corpus is checked without a crash."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import shared_path


def test_corpus_checks_without_crash() -> None:
    corpus = shared_path("corpus")
    files = sorted(str(p) for p in corpus.glob("*/*/*") if p.suffix in (".yml", ".yaml"))
    assert len(files) > 600
    proc = subprocess.run(
        [sys.executable, "-m", "actiongen", "check", "--format", "json", *files],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["version"] == 1
    assert report["summary"]["files"] == len(files)
    internal = [f for f in report["findings"] if f["rule"] == "internal-error"]
    assert not internal, internal[:3]
