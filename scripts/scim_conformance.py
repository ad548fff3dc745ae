"""SCIM 2.0 conformance of a running service: scim2-tester (discovery, CRUD, PATCH add/replace/
remove on every published attribute), then scim-sanity (filters, paging, ETags, error cases).

    python3 scripts/scim_conformance.py --url http://127.0.0.1:PORT/scim/v2 --secret SCIM_SECRET

Prints each tool's counts and every check that did not succeed; exits 1 if any failed.

scim2-tester 0.5.2 generates two kinds of value it cannot compare or send: for a dateTime it
sends a UUID (which its own models then refuse), and for an integer with canonicalValues it sends
the value as a string (scim2-models keeps canonicalValues as strings) and then finds "6" != 6.
The profile extension has both (`hiredOn`, `level`), so this script gives the tester midnight-UTC
date-times (the service stores a date) and integer canonical values; every check is the tool's.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter

import httpx2
import scim2_tester.checkers.patch_add as patch_add
import scim2_tester.checkers.patch_replace as patch_replace
import scim2_tester.filling as filling
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

_generate = filling.generate_random_value


def _generate_with_dates(context, path, mutability=None, required=None):
    binding = path.resolve()
    if binding is not None and binding.target_type is datetime.datetime:
        if mutability is not None and binding.get_annotation(filling.Mutability) not in mutability:
            return None
        if required is not None and binding.get_annotation(filling.Required) not in required:
            return None
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=random.randint(0, 9000))
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    value = _generate(context, path, mutability=mutability, required=required)
    if binding is not None and binding.target_type is int and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


for module in (filling, patch_add, patch_replace):
    module.generate_random_value = _generate_with_dates


def run_scim2_tester(url, secret):
    client = SyncSCIMClient(httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}))
    client.discover()
    results = check_server(client, resource_types=["User"])
    counts = Counter(result.status.name for result in results)
    print(f"scim2-tester: {len(results)} checks, {dict(counts)}")
    failed = [result for result in results if result.status not in (Status.SUCCESS, Status.SKIPPED)]
    for result in failed:
        print(f"  {result.status.name} {result.title}: {(result.reason or '')[:300]}")
    return not failed


def run_scim_sanity(url, secret):
    # The one installed beside this interpreter (a venv), else the one on PATH.
    beside = os.path.join(os.path.dirname(sys.executable), "scim-sanity")
    program = beside if os.path.exists(beside) else shutil.which("scim-sanity") or "scim-sanity"
    completed = subprocess.run(
        [program, "probe", url, "--token", secret, "--resource", "User",
         "--i-accept-side-effects", "--json-output"],
        capture_output=True, text=True, check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print("scim-sanity did not print a JSON report:", completed.stdout[-2000:], completed.stderr[-2000:])
        return False
    results = report.get("results", [])
    counts = Counter(result.get("status") for result in results)
    print(f"scim-sanity: {len(results)} checks, {dict(counts)}")
    failed = [result for result in results if result.get("status") not in ("pass", "skip", "warn")]
    for result in failed:
        print(f"  {result.get('status')} {result.get('name')}: {str(result.get('message'))[:300]}")
    return not failed and completed.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    tester = run_scim2_tester(args.url, args.secret)
    sanity = run_scim_sanity(args.url, args.secret)
    print("passed: scim2-tester and scim-sanity report no failures" if tester and sanity else "FAILED")
    sys.exit(0 if tester and sanity else 1)


if __name__ == "__main__":
    main()
