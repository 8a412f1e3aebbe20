from django.urls import path

from accounts.consumers import AccountConsumer
from cooperatives.consumers import CooperativeLiveConsumer
from market.consumers import MarketConsumer

websocket_urlpatterns = [
    path("ws/account/", AccountConsumer.as_asgi()),
    path("ws/market/", MarketConsumer.as_asgi()),
    path("ws/cooperatives/<int:cooperative_id>/", CooperativeLiveConsumer.as_asgi()),
]
