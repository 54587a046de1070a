"""Our settings as Flask's extensions read them."""
from eigendossier.core.config import flask_settings

BASE = {"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": "s", "VOUCHER_PEPPER": "p",
        "DEFAULT_LOCALE": "nl"}


def test_the_engine_checks_connections_without_a_ping_by_default(tmp_path):
    options = flask_settings(BASE, str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": False}


def test_engine_options_given_in_the_settings_are_kept(tmp_path):
    settings = {**BASE, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 50, "max_overflow": 10}}
    options = flask_settings(settings, str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": False, "pool_size": 50, "max_overflow": 10}
