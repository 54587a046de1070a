"""gunicorn settings for Eigen Dossier at scale: `gunicorn -c config/gunicorn.conf.py`.

Stateless web nodes; rate limits and jobs live in Redis (EIGENDOSSIER_REDIS_URL). Without
Redis, rate limits are counted in the process's memory: one worker (with threads) by default,
and more than one is refused at start (on_starting), as is a shared database without its keys.
"""
import multiprocessing
import os

wsgi_app = "eigendossier:create_app()"
bind = os.environ.get("EIGENDOSSIER_BIND", "127.0.0.1:8000")
_default_workers = multiprocessing.cpu_count() * 2 + 1 if os.environ.get(
    "EIGENDOSSIER_REDIS_URL") else 1
workers = int(os.environ.get("EIGENDOSSIER_WORKERS", _default_workers))
threads = int(os.environ.get("EIGENDOSSIER_THREADS", 2 if workers > 1 else 4))
timeout = 30
accesslog = "-"
errorlog = "-"
# No client address, query string or cookie in the access log: they are personal data.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def on_starting(server):
    """Before any worker starts: refuse what would count rate limits per worker or seal data
    with keys other machines lack. gunicorn prints the message and exits with status 1."""
    from eigendossier.core.config import load_settings
    from eigendossier.core.keys import check_start

    check_start(load_settings(), workers=server.cfg.workers)
