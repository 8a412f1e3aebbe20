"""Pushing market data over the channel layer.

Public prices are the same for every retailer, so one group per instrument serves every
host. Anything about one retailer's customers goes to groups that carry the schema name,
which a connection joins only on that retailer's host.
"""
import asyncio
import json
import os
import threading

from channels.layers import get_channel_layer

# The pub/sub layer (settings CHANNEL_LAYERS["market"]): one Redis message per server
# process, however many of its browsers subscribe.
LAYER_ALIAS = "market"
TICK_EVENT = "market.tick"
TENANT_EVENT = "market.tenant"
SEND_TIMEOUT_SECONDS = 10


def instrument_group(*, code: str) -> str:
    return f"market.{code}"


def tenant_group(*, schema_name: str) -> str:
    return f"market-tenant.{schema_name}"


def user_group(*, schema_name: str, user_id: int) -> str:
    return f"market-user.{schema_name}.{user_id}"


class _PublisherLoop:
    """One event loop in a daemon thread per process, so every publish reuses the layer's
    Redis connection. (async_to_sync would start a new loop, and with the pub/sub layer a
    new connection, for each publish: milliseconds on every tick.)"""

    def __init__(self):
        self.lock = threading.Lock()
        self.loop = None
        self.pid = None

    def _ensure(self):
        with self.lock:
            if self.loop is None or self.pid != os.getpid():  # not inherited across fork
                self.loop = asyncio.new_event_loop()
                self.pid = os.getpid()
                threading.Thread(target=self.loop.run_forever, name="market-publish",
                                 daemon=True).start()
            return self.loop

    def run(self, coroutine):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._ensure())
        return future.result(timeout=SEND_TIMEOUT_SECONDS)


_publisher = _PublisherLoop()


async def _group_send_all(messages):
    layer = get_channel_layer(LAYER_ALIAS)
    for group, message in messages:
        await layer.group_send(group, message)


def tick_publish(*, ticks: list[dict]) -> None:
    """One group_send per instrument: the channel layer fans out to the subscribers."""
    # Encoded once here rather than once per browser in every consumer.
    _publisher.run(_group_send_all([
        (instrument_group(code=payload["instrument"]),
         {"type": TICK_EVENT, "instrument": payload["instrument"],
          "text": json.dumps(payload)})
        for payload in ticks
    ]))


def tenant_message_publish(*, schema_name: str, payload: dict,
                           user_id: int | None = None) -> None:
    """A retailer's own message (e.g. a customer's dynamic price) to its connections only:
    all of them, or one user's."""
    group = (tenant_group(schema_name=schema_name) if user_id is None
             else user_group(schema_name=schema_name, user_id=user_id))
    _publisher.run(_group_send_all([(group, {"type": TENANT_EVENT,
                                             "text": json.dumps(payload)})]))
