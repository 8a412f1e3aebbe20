"""`market_feed --once`: feeds run, points are saved, a failing feed does not stop others."""
import json
from io import StringIO

from django.core.management import call_command

from market.models import PricePoint


def test_one_round_of_the_simulator_and_a_dead_http_feed(db, tmp_path):
    config = tmp_path / "dead.json"
    config.write_text(json.dumps({"url": "http://127.0.0.1:9/x", "name": "dead", "retries": 0,
                                  "fields": {"interval_start": "t", "value": "v"},
                                  "instrument": "DA-NORTH"}))
    out = StringIO()
    call_command("market_feed", "--once", "--feed", f"http:{config}", "--feed", "simulator",
                 stdout=out)
    rounds = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["feed"] for r in rounds] == ["simulator"]
    assert rounds[0]["rejected"] == 0 and rounds[0]["inserted"] > 100
    assert PricePoint.objects.filter(instrument__code="DA-NORTH").count() == 48
