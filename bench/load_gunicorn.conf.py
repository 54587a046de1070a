"""gunicorn for bench_load.py: the project's config/gunicorn.conf.py as it is, without the
access log, plus one hook that notes when each worker has loaded the app and is about to
accept requests (the bench ends its kill window when the replacement worker is ready)."""
import os
import time
from pathlib import Path

_PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config" / "gunicorn.conf.py"
exec(compile(_PROJECT_CONFIG.read_text(), str(_PROJECT_CONFIG), "exec"))  # noqa: S102

accesslog = None


def post_worker_init(worker):
    with open(os.environ["BENCH_WORKERS_READY_FILE"], "a") as ready:
        ready.write(f"{worker.pid} {time.time()}\n")
