"""The allocation and money layer imports without Django settings, Django or Celery (the
import-linter contract in pyproject.toml checks the same statically)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cooperatives_domain_imports_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = ("import sys, cooperatives.domain, cooperatives.domain.pv_model;"
            "print(sorted(m for m in ('django', 'celery', 'config') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
