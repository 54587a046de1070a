"""Configuration: config/default.toml, then an optional EIGENDOSSIER_CONFIG file, then
EIGENDOSSIER_* environment variables, then the mapping given to create_app (tests)."""
import contextlib
import os
import secrets
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[3]
BUNDLED = Path(__file__).resolve().parents[1] / "_bundled"


def project_dir(name: str) -> Path:
    """A top-level folder of the project (config, migrations, pwa, schemas): the folder itself
    in a source checkout, or the copy that `pip install .` puts inside the package (setup.py)."""
    source = PROJECT_ROOT / name
    return source if source.is_dir() else BUNDLED / name


def default_instance_path() -> Path:
    """instance/ beside the source checkout; for an installed package, in the working folder."""
    return PROJECT_ROOT / "instance" if (PROJECT_ROOT / "pwa").is_dir() else Path.cwd() / "instance"


CONFIG_DIR = project_dir("config")
DEFAULT_BASE_URL = "http://localhost:5000"
ENV_PREFIX = "EIGENDOSSIER_"


def _parse_env_value(raw: str):
    """Read an environment value as a TOML literal (true, 5, "x", [..]) or else as a string."""
    try:
        return tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw


def _read_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(overrides: dict | None = None, environ=os.environ) -> dict:
    settings = _read_toml(CONFIG_DIR / "default.toml")
    extra = environ.get(ENV_PREFIX + "CONFIG")
    if extra:
        settings.update(_read_toml(Path(extra)))
    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG":
            settings[key[len(ENV_PREFIX):]] = _parse_env_value(raw)
    settings.update(overrides or {})
    return settings


def instance_secret(instance_path: str, name: str = "secret_key") -> str:
    """A random secret created on first start and kept in the instance folder."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def create_private_sqlite_file(database_uri: str) -> None:
    """Create a SQLite database file readable by its owner only (0600, like the key files),
    before SQLite would create it 0644 under the usual umask: it holds every learner's data.
    SQLite gives its journal and WAL files the database file's mode. An existing file keeps
    the mode its operator gave it."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        return
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def public_base_url(config) -> str:
    """This installation's public address, from configuration only: PUBLIC_BASE_URL, else
    ISSUING_BASE_URL, else http://localhost:5000 (the embedded default). Never a request's
    Host header, which whoever sends the request chooses."""
    configured = config.get("PUBLIC_BASE_URL") or config.get("ISSUING_BASE_URL")
    return (configured or DEFAULT_BASE_URL).rstrip("/")


def public_domain(config) -> str:
    """The host (and port) of the public address: the ``domain`` this installation's
    Verifiable Presentations are bound to."""
    base = public_base_url(config)
    return urlsplit(base).netloc or base


def flask_settings(settings: dict, instance_path: str) -> dict:
    """Translate our settings into the keys Flask and its extensions read."""
    sqlite_file = Path(instance_path) / "eigendossier.db"
    database_url = settings["DATABASE_URL"] or f"sqlite:///{sqlite_file}"
    redis_url = settings.get("REDIS_URL") or ""
    return {
        **settings,
        "SECRET_KEY": settings["SECRET_KEY"] or instance_secret(instance_path),
        "VOUCHER_PEPPER": settings.get("VOUCHER_PEPPER")
        or instance_secret(instance_path, "voucher_pepper"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # No pool_pre_ping: a closed connection is found without a round trip (extensions.py).
        # Settings may add options of their own (a test's larger pool).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False,
                                      **settings.get("SQLALCHEMY_ENGINE_OPTIONS", {})},
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "API_TITLE": "Eigen Dossier API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "BABEL_DEFAULT_LOCALE": settings["DEFAULT_LOCALE"],
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "JSON_SORT_KEYS": False,
    }
