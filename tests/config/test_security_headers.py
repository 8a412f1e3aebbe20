"""Content-Security-Policy on every page (scripts from our own origin only, so no inline
script runs), and HSTS plus the HTTPS redirect under production settings."""
import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, child_env, login

PAGES = ["/login/", "/account/", "/tariffs/", "/market/", "/admin/",
         "/api/v1/docs/"]


def script_sources(policy: str) -> list[str]:
    directive = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    return directive.split()[1:]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_a_policy_without_inline_scripts(alpha, path):
    login(alpha, "alice" if path != "/admin/" else "alpha-staff")
    response = alpha.get(path, follow=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert script_sources(policy) == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    # so the page works under it: every script comes from a file (JSON data blocks are
    # not run)
    scripts = re.findall(rb"<script\b[^>]*>", response.content)
    assert all(b" src=" in tag or b'type="application/json"' in tag for tag in scripts), \
        scripts


def test_the_api_docs_start_up_script_is_a_file(alpha):
    page = alpha.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'<script src="([^"]+)"', page)
    started = [src for src in sources if "/api/v1/docs/" in src]
    assert started, sources
    script = alpha.get(started[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


PROBE = """
import json, os
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="alpha.localhost")
secure = client.get("/api/v1/customers/", secure=True)
plain = client.get("/api/v1/customers/")
health = client.get("/healthz")
print(json.dumps({"hsts": secure.get("Strict-Transport-Security"),
                  "csp": secure.get("Content-Security-Policy"),
                  "plain": [plain.status_code, plain.get("Location")],
                  "health": health.status_code}))
"""


def test_production_sends_hsts_and_redirects_to_https(db):
    env = child_env()
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production",
               DJANGO_SECRET_KEY="test-only-production-secret-key-of-some-length",
               DJANGO_ALLOWED_HOSTS=".localhost,localhost")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, text=True,
                         capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert script_sources(seen["csp"]) == ["'self'"]
    assert seen["plain"] == [301, "https://alpha.localhost/api/v1/customers/"]
    assert seen["health"] in (200, 503)  # answered over plain HTTP, not redirected
