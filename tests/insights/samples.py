"""The OpenEEmeter sample meters in ../shared/data/eemeter-samples (never copied here), and
a helper to run `insights_baseline` in-process."""
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
EEMETER = ROOT / ".." / "shared" / "data" / "eemeter-samples"

# SOURCES.md, "CalTRACK 2.0 daily method": baseline and reporting periods (local dates).
BASELINE = ("2015-12-27", "2016-12-26")
REPORTING = ("2017-01-04", "2018-01-04")


def sample(name: str) -> Path:
    path = EEMETER / name
    if not path.exists():
        pytest.skip(f"the OpenEEmeter samples are not at {EEMETER} (../shared is absent)")
    return path


def run_baseline(*, usage, temperature, baseline=BASELINE, reporting=REPORTING, extra=()):
    """Run the command; returns (parsed JSON, stderr text)."""
    out, err = StringIO(), StringIO()
    call_command(
        "insights_baseline", f"--usage={usage}", f"--temperature={temperature}",
        f"--baseline-from={baseline[0]}", f"--baseline-to={baseline[1]}",
        f"--reporting-from={reporting[0]}", f"--reporting-to={reporting[1]}", *extra,
        stdout=out, stderr=err,
    )
    return json.loads(out.getvalue()), err.getvalue()
