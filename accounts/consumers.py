"""A logged-in customer's live channel. For now it greets with who and where they are; the
market and metering apps push through the same door."""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.domain.access import CustomerNotVisible, customer_of_login


def account_group(*, schema_name: str, user_id: int) -> str:
    # Group names carry the schema: user ids repeat across retailers.
    return f"account.{schema_name}.{user_id}"


class AccountConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope["user"]
        schema_name = self.scope["schema_name"]
        if schema_name == get_public_schema_name() or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = account_group(schema_name=schema_name, user_id=user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "hello", "schema": schema_name, "user": user.username,
             "customer": await self._customer_name()}
        )

    @database_sync_to_async
    def _customer_name(self):
        with schema_context(self.scope["schema_name"]):
            try:
                return customer_of_login(user=self.scope["user"]).name
            except CustomerNotVisible:
                return None

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def account_message(self, event):
        await self.send_json(event["payload"])
