"""Deploy: hand the built archive to the platform at $DEPLOY_URL.

The pipeline sets DEPLOY_ENVIRONMENT and DEPLOY_URL; GITHUB_SHA names the commit.
"""

import hashlib
import json
import os
import sys
import urllib.request
from pathlib import Path

archive = Path("dist/hello.zip")
if not archive.is_file():
    sys.exit(f"{archive} is missing: the build artifact was not restored")
payload = {
    "environment": os.environ["DEPLOY_ENVIRONMENT"],
    "sha": os.environ["GITHUB_SHA"],
    "archive_sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
}
request = urllib.request.Request(
    os.environ["DEPLOY_URL"] + "/deploy",
    data=json.dumps(payload).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=10) as response:
    print("deployed:", response.read().decode())
