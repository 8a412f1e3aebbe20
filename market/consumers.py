"""Live market data over WebSockets, on every host (platform and each retailer).

A browser sends {"subscribe": ["DA-NORTH", ...]} (or {"unsubscribe": [...]}) and gets
the latest value of each at once. Ticks come through one group per instrument, shared by
all hosts: one group_send per instrument, whatever the number of clients; inside this
server process `market.fanout` hands each tick to the local sockets that subscribed.
On a retailer host the connection also joins that retailer's groups (the schema is in
the name), so a retailer's own messages never reach another retailer's browsers.
The tenancy middleware has already refused foreign origins and unknown hosts.
"""
from datetime import timedelta

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name, schema_context

from core.metrics import PRICE_TICKS, WEBSOCKETS_OPEN, WEBSOCKETS_OPENED
from core.ranges import local_date
from market.domain.board import market_minutes, points_between, real_time_companions
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
OUTLOOK_HOURS = 12  # a dynamic-tariff customer sees their price now and this far ahead


class MarketConsumer(AsyncJsonWebsocketConsumer):
    channel_layer_alias = LAYER_ALIAS

    async def connect(self):
        self.subscribed: set[str] = set()
        self.public: set[str] = set()  # what the browser asked for (not only followed for it)
        self.personal: dict = {}
        self.companions: dict = {}
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
        self.counted_schema = schema_name  # closed sockets count down (disconnect)
        WEBSOCKETS_OPEN.labels(schema=schema_name).inc()
        WEBSOCKETS_OPENED.labels(schema=schema_name).inc()
        # A customer on a dynamic tariff also gets their own price now and for the next
        # hours, computed here from terms loaded in their retailer's schema: again with
        # every tick of the tariff's instrument and of the real-time price of its zone
        # (which keeps "now" moving between day-ahead publications).
        self.personal = await self._personal_terms()
        self.companions = await self._companions()
        for code in [*self.personal, *self.companions]:
            await local_fanout().add(code=code, consumer=self)
            self.subscribed.add(code)
        await self._send_outlooks(list(self.personal))

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

    @database_sync_to_async
    def _companions(self) -> dict:
        if not self.personal:
            return {}
        with schema_context(get_public_schema_name()):
            return real_time_companions(codes=list(self.personal))

    async def market_tick(self, message):
        """A public tick from this process's fan-out; plus the customer's own price."""
        code = message["instrument"]
        if code in self.personal or not self.companions.get(code) or code in self.public:
            await self.send(text_data=message["text"])
            PRICE_TICKS.labels(schema=getattr(self, "counted_schema", None) or "public").inc()
        if code in self.personal:
            await self._send_outlooks([code])
        elif code in self.companions:
            await self._send_outlooks(self.companions[code])

    async def _send_outlooks(self, codes):
        for payload in await self._outlooks(codes):
            await self.send_json(payload)

    @database_sync_to_async
    def _outlooks(self, codes) -> list[dict]:
        # The day-ahead points are read again each time: a batch of them is published as
        # one tick (its newest point), so the tick alone does not carry them all.
        now = timezone.now()
        build = import_string(settings.MARKET_PERSONAL_PRICE_MESSAGE)
        with schema_context(get_public_schema_name()):
            minutes = market_minutes(codes=codes)
            points = points_between(codes=codes, period_from=now - timedelta(days=1),
                                    period_to=now + timedelta(hours=OUTLOOK_HOURS + 1))
        return [build(terms=term, points=points[code], market_minutes=minutes[code], now=now,
                      hours=OUTLOOK_HOURS)
                for code in codes if code in minutes for term in self.personal.get(code, ())]

    async def disconnect(self, code):
        if getattr(self, "counted_schema", None) is not None:
            WEBSOCKETS_OPEN.labels(schema=self.counted_schema).dec()
            self.counted_schema = None
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
        self.public.update(known)
        for payload in latest:
            await self.send_json(dict(payload, type="latest"))

    async def _unsubscribe(self, value):
        codes = self._codes(value)
        if codes is None:
            return await self._error("invalid", "unsubscribe takes a list of instrument codes.")
        for code in codes:
            self.public.discard(code)
            if code in self.subscribed and code not in self.personal \
                    and code not in self.companions:
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
