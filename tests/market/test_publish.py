"""Publishing: one group_send per instrument (never per client), JSON encoded once; a
retailer's message goes to a group carrying its schema name."""
import json

import pytest

from market.domain import publish


class RecordingLayer:
    def __init__(self):
        self.sent = []

    async def group_send(self, group, message):
        self.sent.append((group, message))


@pytest.fixture
def layer(monkeypatch):
    recorder = RecordingLayer()
    monkeypatch.setattr(publish, "get_channel_layer", lambda alias: recorder)
    return recorder


def test_one_group_send_per_instrument(layer):
    ticks = [{"instrument": "DA-NORTH", "value": "1"}, {"instrument": "GAS", "value": "2"}]
    publish.tick_publish(ticks=ticks)
    assert [(group, m["type"], m["instrument"]) for group, m in layer.sent] == [
        ("market.DA-NORTH", "market.tick", "DA-NORTH"), ("market.GAS", "market.tick", "GAS")]
    assert json.loads(layer.sent[0][1]["text"]) == ticks[0]


def test_tenant_messages_go_to_groups_named_by_schema(layer):
    publish.tenant_message_publish(schema_name="alpha", payload={"a": 1})
    publish.tenant_message_publish(schema_name="beta", user_id=7, payload={"b": 2})
    assert [group for group, _ in layer.sent] == ["market-tenant.alpha", "market-user.beta.7"]
