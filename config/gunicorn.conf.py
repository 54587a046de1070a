"""gunicorn settings for Eigen Dossier at scale: `gunicorn -c config/gunicorn.conf.py`.

Stateless web nodes; rate limits and jobs live in Redis (EIGENDOSSIER_REDIS_URL).
"""
import multiprocessing
import os

wsgi_app = "eigendossier:create_app()"
bind = os.environ.get("EIGENDOSSIER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EIGENDOSSIER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("EIGENDOSSIER_THREADS", 2))
timeout = 30
accesslog = "-"
errorlog = "-"
# No client address, query string or cookie in the access log: they are personal data.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
