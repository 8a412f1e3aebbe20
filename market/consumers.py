"""Live market data over WebSockets, on every host (platform and each retailer).

A browser sends {"subscribe": ["DA-NORTH", ...]} (or {"unsubscribe": [...]}) and gets
the latest value of each at once. Ticks come through one group per instrument, shared by
all hosts: one group_send per instrument, whatever the number of clients; inside this
server process `market.fanout` hands each tick to the local sockets that subscribed.
On a retailer host the connection also joins that retailer's groups (the schema is in
the name), so a retailer's own messages never reach another retailer's browsers.
The tenancy middleware has already refused foreign origins and unknown hosts.
"""
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name, schema_context

from core.ranges import local_date
from market.domain.prices import latest_point, tick_payload
from market.domain.publish import (
    LAYER_ALIAS,
    TENANT_EVENT,
    tenant_group,
    user_group,
)
from market.fanout import local_fanout
from market.models import Instrument

MAX_SUBSCRIPTIONS = 50


class MarketConsumer(AsyncJsonWebsocketConsumer):
    channel_layer_alias = LAYER_ALIAS

    async def connect(self):
        self.subscribed: set[str] = set()
        self.private_groups: list[str] = []
        schema_name = self.scope["schema_name"]
        if schema_name != get_public_schema_name():
            self.private_groups.append(tenant_group(schema_name=schema_name))
            user = self.scope["user"]
            if user.is_authenticated:
                self.private_groups.append(user_group(schema_name=schema_name,
                                                      user_id=user.pk))
        for group in self.private_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        # A customer on a dynamic tariff also gets their own price with every tick of its
        # instrument, computed here from terms loaded in their retailer's schema.
        self.personal = await self._personal_terms()
        for code in self.personal:
            await local_fanout().add(code=code, consumer=self)
            self.subscribed.add(code)

    @database_sync_to_async
    def _personal_terms(self) -> dict:
        user = self.scope["user"]
        schema_name = self.scope["schema_name"]
        if schema_name == get_public_schema_name() or not user.is_authenticated:
            return {}
        terms_for_user = import_string(settings.MARKET_PERSONAL_PRICE_TERMS)
        with schema_context(schema_name):
            terms = terms_for_user(
                user=user, on=local_date(timezone.now(), self.scope["tenant"].time_zone))
        personal = {}
        for term in terms:
            personal.setdefault(term.instrument, []).append(term)
        return personal

    async def market_tick(self, message):
        """A public tick from this process's fan-out; plus the customer's own price."""
        await self.send(text_data=message["text"])
        terms = self.personal.get(message["instrument"])
        if terms:
            tick = json.loads(message["text"])
            for term in terms:
                await self.send_json(self._price_message(term=term, tick=tick))

    def _price_message(self, *, term, tick):
        return import_string(settings.MARKET_PERSONAL_PRICE_MESSAGE)(terms=term, tick=tick)

    async def disconnect(self, code):
        for group in self.private_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        for code_ in getattr(self, "subscribed", ()):
            await local_fanout().discard(code=code_, consumer=self)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return await self._error("invalid", "Send a JSON object.")
        if "subscribe" in content:
            return await self._subscribe(content["subscribe"])
        if "unsubscribe" in content:
            return await self._unsubscribe(content["unsubscribe"])
        return await self._error("invalid", 'Send {"subscribe": [codes]} or '
                                            '{"unsubscribe": [codes]}.')

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            return await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:  # not JSON
            return await self._error("invalid", "Send JSON.")

    async def _error(self, code, detail, **extra):
        await self.send_json({"type": "error", "error": code, "detail": detail, **extra})

    def _codes(self, value):
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            return None
        return list(dict.fromkeys(value))

    async def _subscribe(self, value):
        codes = self._codes(value)
        if codes is None:
            return await self._error("invalid", "subscribe takes a list of instrument codes.")
        if len(self.subscribed | set(codes)) > MAX_SUBSCRIPTIONS:
            return await self._error("too_many", f"At most {MAX_SUBSCRIPTIONS} instruments.")
        known, latest = await self._lookup(codes)
        unknown = [c for c in codes if c not in known]
        if unknown:
            await self._error("unknown_instrument", "No such instrument.", codes=unknown)
        for code in known:
            if code not in self.subscribed:
                await local_fanout().add(code=code, consumer=self)
                self.subscribed.add(code)
        await self.send_json({"type": "subscribed", "instruments": sorted(self.subscribed)})
        for payload in latest:
            await self.send_json(dict(payload, type="latest"))
            for term in self.personal.get(payload["instrument"], ()):
                await self.send_json(self._price_message(term=term, tick=payload))

    async def _unsubscribe(self, value):
        codes = self._codes(value)
        if codes is None:
            return await self._error("invalid", "unsubscribe takes a list of instrument codes.")
        for code in codes:
            if code in self.subscribed:
                await local_fanout().discard(code=code, consumer=self)
                self.subscribed.discard(code)
        await self.send_json({"type": "subscribed", "instruments": sorted(self.subscribed)})

    @database_sync_to_async
    def _lookup(self, codes):
        # Market data lives in the public schema whichever host the browser is on.
        with schema_context(get_public_schema_name()):
            instruments = list(Instrument.objects.filter(code__in=codes).order_by("code"))
            latest = []
            for instrument in instruments:
                point = latest_point(instrument=instrument)
                if point is not None:
                    latest.append(tick_payload(point=point))
        return {i.code for i in instruments}, latest

    async def dispatch(self, message):
        # Channels' dispatch hops to the database thread before every handler to close
        # stale connections. A push touches no database, so it skips the hop (everything
        # here that does use the database goes through database_sync_to_async, which
        # closes stale connections itself).
        if message["type"] == TENANT_EVENT:
            return await self.send(text_data=message["text"])
        return await super().dispatch(message)
