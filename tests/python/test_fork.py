"""Fork safety: a parallel call in a parent process, then the same calls in its children.

Before codguard ran its parallel work on a pool per process, a child forked after any
`assess_many` or `add_history` in its parent waited forever in its own first parallel call
(rayon's global pool has no threads in a forked child). Every child here must finish within
its timeout, with the parent's answers, under each start method and under gunicorn --preload.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import codguard
from conftest import order, past

HERE = Path(__file__).resolve().parent
TIMEOUT = 60  # seconds; a hung child is killed and the test fails


def history() -> list[dict]:
    return [past(f"h-{i}", "refused" if i % 3 else "delivered", phone=f"06960306{i % 50:02d}") for i in range(200)]


def queries() -> list[dict]:
    return [order(f"q-{i}", phone=f"06960306{i % 60:02d}") for i in range(64)]


def child_work(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    # A fresh engine, as the issue reports: it hung too.
    e = codguard.Engine()
    e.add_history(history())
    queue.put([a.action for a in e.assess_many(queries())])


def parent_answers() -> list[str]:
    e = codguard.Engine()
    e.add_history(history())  # parallel: signs the records on the pool
    return [a.action for a in e.assess_many(queries())]  # parallel


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_children_after_a_parallel_call_in_the_parent(method: str) -> None:
    want = parent_answers()
    ctx = multiprocessing.get_context(method)
    queue = ctx.Queue()
    children = [ctx.Process(target=child_work, args=(queue,)) for _ in range(2)]
    for c in children:
        c.start()
    got = []
    try:
        for _ in children:
            got.append(queue.get(timeout=TIMEOUT))
    finally:
        for c in children:
            c.join(timeout=5)
            if c.is_alive():
                c.kill()
                c.join()
    assert [c.exitcode for c in children] == [0, 0]
    assert got == [want, want]


def test_a_forked_child_of_a_forked_child() -> None:
    # Two fork generations: the grandchild must build its own pool too.
    code = f"""
import os, sys
sys.path.insert(0, {str(HERE)!r})
import test_fork
test_fork.parent_answers()
pid = os.fork()
if pid == 0:
    test_fork.parent_answers()
    pid2 = os.fork()
    if pid2 == 0:
        test_fork.parent_answers()
        os._exit(0)
    _, status = os.waitpid(pid2, 0)
    os._exit(os.waitstatus_to_exitcode(status))
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""
    # Its own process group, so that a hung grandchild is killed with it.
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        pytest.fail(f"a forked child hung for {TIMEOUT} s")
    assert proc.returncode == 0, err[-2000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_preload_with_two_workers() -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.fail("gunicorn is not installed in the test venv (scripts/ci_python.sh installs it)")
    port = free_port()
    server = subprocess.Popen(  # its own process group: its workers are stopped with it
        [gunicorn, "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(HERE),
         "--graceful-timeout", "2", "gunicorn_app:app"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        pids = set()
        deadline = time.monotonic() + TIMEOUT
        answers = []
        # Requests until both workers have answered (each a forked child of the preloaded app).
        def get() -> dict | None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
                    return dict(json.loads(r.read()))
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
                return None

        with ThreadPoolExecutor(4) as requests:
            while len(pids) < 2 and time.monotonic() < deadline:
                for body in requests.map(lambda _: get(), range(4)):
                    if body is not None:
                        pids.add(body["pid"])
                        answers.append(body["actions"])
                        answers.append(body["preloaded"])
        assert len(pids) == 2, f"{len(pids)} worker(s) answered within {TIMEOUT} s"
        assert server.pid not in pids
        want = parent_answers()
        assert all(a == want for a in answers)
    finally:
        server.terminate()
        try:
            out, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            out, _ = server.communicate()
    assert "Traceback" not in out, out[-3000:]
