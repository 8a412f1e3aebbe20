from django.urls import path

from accounts.consumers import AccountConsumer

websocket_urlpatterns = [
    path("ws/account/", AccountConsumer.as_asgi()),
]
