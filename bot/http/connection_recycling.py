"""Close a kept-alive connection now and then, so that worker processes share the load.

`sdrbot serve --workers N` runs N processes that accept from one socket. A connection stays with
the process that accepted it for as long as the client keeps it open, and a sender such as
Segment or a backfill script keeps a few connections open for hours: when three of four land on
one process, that process does three quarters of the scoring while the others idle. Asking the
client to reconnect every so many requests (as nginx's `keepalive_requests` does) lets each new
connection be taken by whichever process is free to accept it first, which is the least busy.
A reconnect on a local network costs well under a millisecond; a request costs tens.

Connections are also closed while a process is crowded (three requests at once): measured with
four clients on two processes, the split of connections after a recycle was often three to one,
and one process did two thirds of the work; closing while crowded brings it back to two and two
within a few requests.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# requests per connection before it is closed; at 100 events a request, 2,500 events
REQUESTS_PER_CONNECTION = 25
# a process holding this many requests at once asks the client of each to reconnect: its
# requests wait for each other (it scores one at a time on SQLite, and a single core's worth on
# either database) while another process may stand idle
CROWDED = 3
# connections remembered; one that the client closed on its own is forgotten in turn
REMEMBERED = 10_000


class RecycleConnections:
    def __init__(
        self, app: ASGIApp, every: int = REQUESTS_PER_CONNECTION, crowded: int = CROWDED
    ) -> None:
        if every < 1 or crowded < 2:
            raise ValueError("every must be at least 1, and crowded at least 2")
        self.app, self.every, self.crowded = app, every, crowded
        self.counts: OrderedDict[tuple[object, ...], int] = OrderedDict()
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client:
            await self.app(scope, receive, send)
            return
        # the client's address and port name its connection for as long as it is open
        key = (*client, *(scope.get("server") or ()))
        count = self.counts.pop(key, 0) + 1
        self.in_flight += 1
        try:
            if count < self.every and self.in_flight < self.crowded:
                self.counts[key] = count
                while len(self.counts) > REMEMBERED:
                    self.counts.popitem(last=False)
                await self.app(scope, receive, send)
                return
            await self._closing(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _closing(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)
