"""Where the outbox's messages go. A sender has two methods:

- ``send(message) -> provider_id``: hands the message to the channel; raises ``PermanentError``
  when the gateway refuses it for good (bad number, blocked) and any other exception when the
  outcome is unknown (timeout, 5xx, connection lost): the message then stays "sending".
- ``lookup(client_ref) -> provider_id | None``: does the gateway already hold a message with
  this reference? The outbox asks before sending a message a dead sender may have sent, so a
  crash between "sent" and "recorded" never sends it twice.

``COD_SENDER``: ``console`` (development: prints; it cannot answer ``lookup``, so after a crash
it may print a message twice), ``file:PATH`` (one JSON line per message, fsynced; ``lookup``
reads the file) or ``http:URL`` with ``COD_SENDER_TOKEN`` (``HttpSender``).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings


class PermanentError(Exception):
    """The gateway refused the message for good: the flow moves to its next channel."""


class Sender(Protocol):
    def send(self, message: Any) -> str: ...

    def lookup(self, client_ref: str) -> str | None: ...


def _payload(message: Any) -> dict[str, Any]:
    return {
        "client_ref": message.client_ref,
        "channel": message.channel,
        "to": message.to,
        "text": message.body,
    }


class ConsoleSender:
    def send(self, message: Any) -> str:
        sys.stdout.write(f"[{message.channel} to {message.to}] {message.body}\n")
        sys.stdout.flush()
        return f"console-{message.client_ref}"

    def lookup(self, client_ref: str) -> str | None:
        return None


class FileSender:
    """Appends each message as one JSON line; the file is the gateway's memory."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, message: Any) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(_payload(message), ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return f"file-{message.client_ref}"

    def lookup(self, client_ref: str) -> str | None:
        if not self.path.exists():
            return None
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                try:
                    if json.loads(line).get("client_ref") == client_ref:
                        return f"file-{client_ref}"
                except ValueError:
                    continue  # a line cut by a crash
        return None


class HttpSender:
    """An SMS / WhatsApp gateway's HTTP API, shaped like the common ones:

    - ``POST {url}/messages`` with ``Authorization: Bearer TOKEN`` and the JSON body
      ``{"client_ref", "channel", "to", "text"}`` -> 201/202 ``{"id": "...", "status": "queued"}``;
      4xx (but 408 and 429) is a refusal for good;
    - ``GET {url}/messages?client_ref=REF`` -> ``{"messages": [{"id": ..., ...}]}``.
    """

    def __init__(self, url: str, token: str, timeout: float = 20.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            if 400 <= e.code < 500 and e.code not in (408, 429):
                raise PermanentError(f"gateway refused the message: HTTP {e.code}") from e
            raise
        if not isinstance(answer, dict):
            # Whatever the gateway meant, the outcome is unknown: the message stays "sending"
            # and the next run asks the gateway before sending it again.
            raise ValueError("the gateway's answer is not a JSON object")
        return answer

    def send(self, message: Any) -> str:
        answer = self._request("POST", "/messages", _payload(message))
        return str(answer.get("id", ""))

    def lookup(self, client_ref: str) -> str | None:
        answer = self._request("GET", "/messages?" + urllib.parse.urlencode({"client_ref": client_ref}))
        found = answer.get("messages") or []
        return str(found[0].get("id", "")) if found else None


def from_settings() -> Sender:
    spec = settings.COD_SENDER
    if spec == "console":
        return ConsoleSender()
    if spec.startswith("file:"):
        return FileSender(spec.removeprefix("file:"))
    if spec.startswith("http:") and "://" in spec.removeprefix("http:"):
        return HttpSender(spec.removeprefix("http:"), settings.COD_SENDER_TOKEN)
    raise ValueError("COD_SENDER must be console, file:PATH or http:URL")
