"""A WSGI app for test_fork.py's gunicorn --preload test: the master process makes parallel
calls while loading it, then forks the workers that answer the requests with more of them."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import test_fork

# In the master, before the fork: the calls that left rayon's global pool unusable in a child.
PRELOADED = test_fork.parent_answers()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    actions = test_fork.parent_answers()
    time.sleep(0.2)  # keeps this worker busy so that concurrent requests reach the other one
    body = json.dumps({"pid": os.getpid(), "actions": actions, "preloaded": PRELOADED}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
