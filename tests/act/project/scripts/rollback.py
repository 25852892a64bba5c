"""Roll back: ask the platform at the given base URL to restore the previous release."""

import json
import os
import sys
import urllib.request

base_url = sys.argv[1]
payload = {"sha": os.environ.get("GITHUB_SHA", "")}
request = urllib.request.Request(
    base_url + "/rollback",
    data=json.dumps(payload).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=10) as response:
    print("rolled back:", response.read().decode())
