"""A local stand-in for an SMS / WhatsApp gateway's HTTP API (the shape of cod.senders.HttpSender),
for tests only: it records what it receives and can misbehave on purpose."""

from __future__ import annotations

import json
import threading
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeGateway:
    def __init__(self, token: str = "test-token") -> None:
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | hang (take the message, never answer) | fail_once (503, keep nothing) | refuse (400)
        self.release = threading.Event()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _answer(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    self._answer(401, {"error": "unauthorized"})
                    return False
                return True

            def do_POST(self) -> None:
                if not self._authorized() or urlsplit(self.path).path != "/messages":
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    mode = gateway.mode
                    if mode == "fail_once":
                        gateway.mode = "ok"
                        return self._answer(503, {"error": "unavailable"})
                    if mode == "refuse":
                        return self._answer(400, {"error": "invalid destination"})
                    body["id"] = f"gw-{len(gateway.received) + 1}"
                    gateway.received.append(body)
                if mode == "hang":
                    gateway.release.wait(120)
                    return
                self._answer(201, {"id": body["id"], "status": "queued"})

            def do_GET(self) -> None:
                if not self._authorized():
                    return
                ref = parse_qs(urlsplit(self.path).query).get("client_ref", [""])[0]
                with gateway.lock:
                    found = [m for m in gateway.received if m["client_ref"] == ref]
                self._answer(200, {"messages": found})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
