"""An in-process HTTP server that answers from a script, for the retry, timeout and error tests.

Each request takes the next scripted ``Reply`` (the last one repeats) and is recorded as it came.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RUNNING = {
    "sandboxId": "sbx_abc123",
    "templateId": "default",
    "state": "running",
    "startedAt": "2026-11-29T10:00:00Z",
    "endAt": "2026-11-29T10:01:00Z",
    "cpuCount": 2,
    "memoryMB": 2048,
    "diskGB": 40,
    "metadata": {"userId": "123"},
    "lifecycle": {"onTimeout": "pause", "autoResume": True},
}


class Reply:
    def __init__(
        self,
        status: int = 200,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
        raw: bytes | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.delay = delay
        # Close the connection without answering (a reset, as the client sees it).
        self.drop = drop
        self.raw = raw


class Recorded:
    def __init__(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes | None, peer: Any):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = peer
        self.at = time.monotonic()

    def json(self) -> Any:
        return None if self.body is None else json.loads(self.body)


class FakeServer:
    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply(200, RUNNING)]
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                path, _, query = self.path.partition("?")
                headers: dict[str, str] = {}
                for name, value in self.headers.items():
                    key = name.lower()
                    headers[key] = f"{headers[key]}, {value}" if key in headers else value
                with fake._lock:
                    fake.requests.append(Recorded(self.command, path, query, headers, body, self.client_address))
                    reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    # SO_LINGER 0: close with a reset instead of a clean FIN.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = (
                    reply.raw
                    if reply.raw is not None
                    else b""
                    if reply.body is None
                    else json.dumps(reply.body).encode()
                )
                try:
                    self.send_response(reply.status)
                    if payload and "content-type" not in {k.lower() for k in reply.headers}:
                        self.send_header("Content-Type", "application/json")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = list(replies)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
