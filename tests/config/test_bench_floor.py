"""The consumption benchmark's floor view: a body of the asked size, no auth, no database;
routed only when GRIDLINE_BENCH_FLOOR is on, and never in production settings."""
import os
import subprocess
import sys

from django.test import RequestFactory, override_settings

from config.ops.bench_floor import bench_floor
from tests.conftest import ROOT


def test_not_routed_in_the_test_settings(alpha):
    assert alpha.get("/bench/floor/?bytes=100").status_code == 404


@override_settings(GRIDLINE_BENCH_FLOOR=True)
def test_answers_the_asked_size_without_the_database():
    # No db fixture: pytest-django makes any query here fail the test.
    response = bench_floor(RequestFactory().get("/bench/floor/", {"bytes": "1234"}))
    assert response.status_code == 200 and len(response.content) == 1234
    assert response["Content-Type"] == "application/json"


def test_production_settings_turn_it_off_whatever_the_environment_says():
    env = dict(os.environ, GRIDLINE_BENCH_FLOOR="1", DJANGO_SECRET_KEY="x" * 50,
               DJANGO_ALLOWED_HOSTS="example.com",
               DJANGO_SETTINGS_MODULE="config.settings.production")
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
                               "print(settings.GRIDLINE_BENCH_FLOOR)"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
