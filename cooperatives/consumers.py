"""A cooperative's live generator output over WebSockets: ws/cooperatives/<id>/.

The connection is accepted only for a login that may see the cooperative (a manager of it,
or a member's login) in the host's retailer; it then joins that cooperative's group (the
schema and the cooperative are in the name) and receives each generator's latest output
as export readings are ingested."""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import get_public_schema_name, schema_context

from cooperatives.services.access import CooperativeNotVisible, access_cooperative_by_id
from cooperatives.services.live import live_group


class CooperativeLiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        schema_name = self.scope["schema_name"]
        user = self.scope["user"]
        cooperative_id = int(self.scope["url_route"]["kwargs"]["cooperative_id"])
        if schema_name == get_public_schema_name() or not user.is_authenticated \
                or not await self._visible(cooperative_id):
            await self.close(code=4403)
            return
        self.group = live_group(schema_name=schema_name, cooperative_id=cooperative_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "cooperative": cooperative_id})

    @database_sync_to_async
    def _visible(self, cooperative_id: int) -> bool:
        with schema_context(self.scope["schema_name"]):
            try:
                access_cooperative_by_id(user=self.scope["user"], cooperative_id=cooperative_id)
            except CooperativeNotVisible:
                return False
        return True

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def coop_live(self, event):
        await self.send_json(event["payload"])
