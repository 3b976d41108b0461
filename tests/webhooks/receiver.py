"""A real HTTP server that receives webhooks: it records each request and answers as told, or,
as a black hole, accepts connections and never answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"
    delay: float = 0.0


class Receiver:
    """Answers 200 unless answers were queued with `answer(...)`; one queued answer per
    request, in order. While `black_hole` is true it accepts connections and neither reads nor
    answers them (a receiver that hangs); `swallowed` counts them."""

    def __init__(self, black_hole: bool = False) -> None:
        self.received: list[Received] = []
        self.answers: deque[Answer] = deque()
        self.lock = threading.Lock()
        self.black_hole = black_hole
        self.held: list[socket.socket] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    answer = receiver.answers.popleft() if receiver.answers else Answer()
                if answer.delay:
                    time.sleep(answer.delay)
                payload = answer.body.encode()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def process_request(self, request: Any, client_address: Any) -> None:
                if receiver.black_hole:
                    with receiver.lock:
                        receiver.held.append(request)  # open, unread, unanswered
                    return
                super().process_request(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sdrbot"

    def answer(self, *answers: Answer | int) -> None:
        for a in answers:
            self.answers.append(a if isinstance(a, Answer) else Answer(a))

    @property
    def swallowed(self) -> int:
        with self.lock:
            return len(self.held)

    def documents(self) -> list[Any]:
        return [r.document for r in self.received]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        for held in self.held:
            held.close()
