"""The Prometheus alerting rules shipped in ops/prometheus/: valid (`promtool check rules`),
each alert firing on its made-up series and quiet on a healthy one (`promtool test rules`),
and every metric they name is one /metrics serves."""
import re
import shutil
import subprocess

import pytest
from django.test import override_settings

from tests.config.metrics_scrape import TOKEN
from tests.conftest import ROOT, host_client

RULES = ROOT / "ops" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "ops" / "prometheus" / "alerts_test.yml"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool is not installed (Debian: apt-get install prometheus); the rules are "
           "then not checked here")


@needs_promtool
def test_the_rules_are_valid():
    result = subprocess.run([PROMTOOL, "check", "rules", str(RULES)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 7 rules found" in result.stdout


@needs_promtool
def test_each_alert_fires_when_it_should_and_not_before():
    result = subprocess.run([PROMTOOL, "test", "rules", str(RULE_TESTS)], cwd=RULES.parent,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
@override_settings(GRIDLINE_METRICS_TOKEN=TOKEN)
def test_the_rules_name_only_metrics_that_are_served():
    platform = host_client("localhost")
    assert platform.get("/market/").status_code == 200  # a request counted before the scrape
    served = platform.get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    named = set(re.findall(r"\b(gridline_[a-z_]+)", RULES.read_text()))
    assert named >= {"gridline_ingest_lag_seconds", "gridline_celery_queue_depth",
                     "gridline_celery_workers", "gridline_billing_last_run_failed",
                     "gridline_http_requests_total"}
    for name in named:
        base = name.removesuffix("_total")
        assert re.search(rf"^# TYPE ({base}|{base}_total) ", served, re.M), name
