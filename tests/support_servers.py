"""The app as operators run it: gunicorn with config/gunicorn.conf.py (or another command) in
a process of its own, configured by EIGENDOSSIER_* variables, and a small HTTP client for it
that sends the CSRF header as the PWA does."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from eigendossier.accounts.cookies import CSRF_COOKIE, CSRF_HEADER
from eigendossier.core.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_environment(instance: Path, **settings) -> dict:
    """This process's environment without any EIGENDOSSIER_ setting of its own, plus ours."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EIGENDOSSIER_")}
    environ.update({"EIGENDOSSIER_INSTANCE_PATH": str(instance),
                    "EIGENDOSSIER_DEMO_DATA": "false",
                    "EIGENDOSSIER_NOTIFICATIONS_INPROCESS_TICK": "false",
                    "EIGENDOSSIER_PASSWORD_HASH_TIME_COST": "1",
                    "EIGENDOSSIER_PASSWORD_HASH_MEMORY_KIB": "8",
                    "EIGENDOSSIER_PASSWORD_HASH_PARALLELISM": "1"})
    environ.update({f"EIGENDOSSIER_{name}": str(value) for name, value in settings.items()})
    return environ


def run(args: list[str], environ: dict, timeout=60) -> subprocess.CompletedProcess:
    """Run a command to its end (e.g. `flask keys init`, or a server that refuses to start)."""
    return subprocess.run(args, env=environ, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout)


def gunicorn_args(port: int, workers: int | None = 1) -> list[str]:
    """gunicorn as README says, on a port of ours; workers None: as many as the config says."""
    return [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py",
            "--bind", f"127.0.0.1:{port}", "--no-control-socket",
            *(["--workers", str(workers), "--threads", "2"] if workers else [])]


class Node:
    """One gunicorn serving the app; stop() ends it (and its workers)."""

    def __init__(self, environ: dict, workers: int | None = 1, wait: bool = True):
        """wait=False: started, not yet serving (start several, then wait_until_serving)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.process = subprocess.Popen(
            gunicorn_args(self.port, workers), env=environ, cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)  # its own process group: stop() ends master and workers
        if wait:
            self.wait_until_serving()

    def wait_until_serving(self, seconds: float = 60) -> None:
        """Every worker answers: gunicorn opens the port before its workers load the app."""
        workers = self.workers
        deadline = time.monotonic() + seconds
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped: {self.process.stdout.read()}")
            try:
                requests.get(self.url + "/api/v1/meta", timeout=10)
                answered += 1
                if answered >= 3 * (workers or 1):
                    return
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("gunicorn did not answer in time")

    def client(self) -> "Browser":
        return Browser(self.url)

    def stop(self) -> str:
        """Kill the master and its workers (its process group): no test asserts anything of
        gunicorn's shutdown, which took 3 s of an idle node's wall time (SIGTERM, graceful)
        or 2-3 s (SIGINT, quick) on a busy machine; the database drops its connections
        (the test databases are dropped WITH (FORCE) in any case)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


class Browser(requests.Session):
    """A session against one node that sends the CSRF double-submit header."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def request(self, method, path, **kwargs):
        if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
            if CSRF_COOKIE not in self.cookies:
                super().request("GET", self.base + "/api/v1/meta", timeout=10)
            kwargs.setdefault("headers", {})[CSRF_HEADER] = self.cookies[CSRF_COOKIE]
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base + path, **kwargs)
