"""Build: package src/ into dist/hello.zip."""

import shutil
from pathlib import Path

dist = Path("dist")
dist.mkdir(exist_ok=True)
shutil.make_archive(str(dist / "hello"), "zip", "src")
print("built", dist / "hello.zip")
