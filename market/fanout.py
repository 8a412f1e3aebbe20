"""In-process fan-out of instrument ticks to the browsers connected to this server process.

The channel layer delivers each tick (one group_send per instrument, made by the feed)
once to this process: one channel per process joins each instrument group that at least
one local browser watches. That channel's reader hands the tick to each local socket.
Routing every tick through each consumer's own channel instead costs several task
switches per browser plus Channels' database-thread hop per message; at a thousand
browsers on one process that was most of the delivery time (docs/market.md).

Only public instrument ticks come this way. Retailer-specific messages keep going through
each consumer's own channel and the schema-named groups it joined.
"""
import asyncio
import logging

from channels.layers import get_channel_layer

from market.domain.publish import LAYER_ALIAS, instrument_group

logger = logging.getLogger(__name__)


class LocalFanout:
    def __init__(self):
        self.layer = get_channel_layer(LAYER_ALIAS)
        self.subscribers: dict[str, set] = {}
        self.channel_name = None
        self.reader = None
        self.starting = asyncio.Lock()

    async def _start(self):
        async with self.starting:
            if self.channel_name is None:
                self.channel_name = await self.layer.new_channel("market-fanout.")
                self.reader = asyncio.get_running_loop().create_task(self._read())

    async def add(self, *, code: str, consumer) -> None:
        await self._start()
        members = self.subscribers.setdefault(code, set())
        first = not members
        members.add(consumer)
        if first:
            await self.layer.group_add(instrument_group(code=code), self.channel_name)

    async def discard(self, *, code: str, consumer) -> None:
        members = self.subscribers.get(code)
        if not members or consumer not in members:
            return
        members.discard(consumer)
        if not members:
            del self.subscribers[code]
            await self.layer.group_discard(instrument_group(code=code), self.channel_name)

    async def _read(self):
        while True:
            message = await self.layer.receive(self.channel_name)
            members = self.subscribers.get(message.get("instrument"), ())
            # Sent one after the other, not one task per socket: a send only writes into
            # the socket's transport and returns, and a task per socket doubled the CPU per
            # tick. A send waits only when a socket's write buffer is full, that is when
            # its browser stopped reading for a long time (a tick is ~200 bytes; kernel and
            # server buffers hold many minutes of them); uvicorn's keep-alive ping closes
            # such a connection after 20 s without a pong, which ends the wait.
            for consumer in list(members):
                await _deliver(consumer, message)


async def _deliver(consumer, message):
    try:
        await consumer.market_tick(message)
    except OSError:  # the browser went away mid-send; its disconnect cleans up
        pass


_fanouts: dict = {}


def local_fanout() -> LocalFanout:
    """The fan-out of the running event loop (one per server process in practice)."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None:
        for old in [old for old in _fanouts if old.is_closed()]:
            del _fanouts[old]
        fanout = _fanouts[loop] = LocalFanout()
    return fanout
