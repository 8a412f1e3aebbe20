"""The analytics are plain modules: importable with no Django settings, and importing them
loads neither Django nor Celery (import-linter's contract in pyproject.toml says the same
statically; tests/core/test_dependency_direction.py runs it)."""
import os
import subprocess
import sys

from .samples import ROOT

MODULES = ("baseline", "baseline_report", "breakdown", "caltrack", "days", "files", "forecast",
           "load_shift", "neighbours", "recommendations", "segments", "sufficiency", "weather")


def test_insights_domain_imports_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = ("import sys\n"
            + "".join(f"import insights.domain.{name}\n" for name in MODULES)
            + "print(sorted(m for m in ('django', 'celery', 'config') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
