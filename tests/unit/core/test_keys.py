"""Which setups may start: the embedded one as it is; a shared database only with every
machine's keys configured (and Redis); more than one worker only with Redis."""
import pytest

from eigendossier.core.config import load_settings
from eigendossier.core.encryption import instance_keys, new_key
from eigendossier.core.keys import StartRefused, check_start, init_lines

POSTGRES = "postgresql+psycopg://eigendossier@db.internal/eigendossier"
KEYS = {"SECRET_KEY": "s" * 40, "VOUCHER_PEPPER": "p" * 40,
        "ENCRYPTION_KEYS": {"k1": new_key()}, "VAPID_PRIVATE_KEY": "v" * 43}
AT_SCALE = {"DATABASE_URL": POSTGRES, "REDIS_URL": "redis://cache.internal:6379/0", **KEYS}


@pytest.mark.parametrize("settings", [
    {"DATABASE_URL": ""},  # the embedded default: SQLite in instance/
    {"DATABASE_URL": "sqlite:////srv/eigendossier/dossier.db"},
    AT_SCALE,
    {"DATABASE_URL": POSTGRES, "SINGLE_NODE": True},
])
def test_may_start(settings):
    check_start(settings)


def test_a_shared_database_names_every_missing_key():
    with pytest.raises(StartRefused) as refused:
        check_start({**AT_SCALE, "VOUCHER_PEPPER": "", "VAPID_PRIVATE_KEY": ""})
    message = str(refused.value)
    assert "EIGENDOSSIER_VOUCHER_PEPPER, EIGENDOSSIER_VAPID_PRIVATE_KEY are not set" in message
    assert "EIGENDOSSIER_SECRET_KEY" not in message
    assert "flask --app eigendossier keys init" in message


def test_the_example_files_placeholders_are_not_keys():
    with pytest.raises(StartRefused, match="EIGENDOSSIER_ENCRYPTION_KEYS is not set"):
        check_start({**AT_SCALE, "ENCRYPTION_KEYS": {"2026-01": "change-me: python -c …"}})


def test_broken_encryption_keys_are_refused_at_start():
    with pytest.raises(StartRefused, match=r"ENCRYPTION_KEYS\['k1'\] is not base64"):
        check_start({**AT_SCALE, "ENCRYPTION_KEYS": {"k1": "not base64!"}})


def test_a_shared_database_needs_redis_for_its_limits():
    with pytest.raises(StartRefused, match="A shared database without REDIS_URL"):
        check_start({**AT_SCALE, "REDIS_URL": ""})


def test_more_than_one_worker_needs_redis():
    check_start({"DATABASE_URL": ""}, workers=1)
    check_start(AT_SCALE, workers=9)
    with pytest.raises(StartRefused, match="2 worker processes without REDIS_URL"):
        check_start({"DATABASE_URL": ""}, workers=2)


def test_keys_init_keeps_the_keys_a_machine_already_has(tmp_path):
    """The machine that served alone so far: its own keys, so its data stays readable."""
    from flask import Flask

    from eigendossier.notifications import vapid

    instance = tmp_path / "instance"
    stored = instance_keys(str(instance))
    (instance / "secret_key").write_text("the old secret\n")
    machine = Flask(__name__, instance_path=str(instance))
    public = vapid.public_key(machine)  # generates instance/vapid_private_key.pem
    lines = init_lines({"VOUCHER_PEPPER": "set already"}, instance)
    printed = dict(line.removeprefix("export EIGENDOSSIER_").split("=", 1)
                   for line in lines if line.startswith("export "))
    assert printed["SECRET_KEY"] == "'the old secret'"
    assert stored["keys"]["k1"] in printed["ENCRYPTION_KEYS"]
    assert printed["ENCRYPTION_KEY_ID"] == "k1"
    assert "VOUCHER_PEPPER" not in printed
    assert "# EIGENDOSSIER_VOUCHER_PEPPER is already set: keep it." in lines
    configured = Flask(__name__, instance_path=str(tmp_path / "elsewhere"))
    configured.config["VAPID_PRIVATE_KEY"] = printed["VAPID_PRIVATE_KEY"]
    assert vapid.public_key(configured) == public, "push subscriptions keep working"


def test_printed_settings_read_back_as_the_keys(tmp_path):
    """What `keys init` prints, set as environment variables, is a configuration that starts."""
    import shlex

    lines = init_lines({}, tmp_path / "new")
    environ = {name: shlex.split(value)[0] for name, value in (
        line.removeprefix("export ").split("=", 1) for line in lines
        if line.startswith("export "))}
    settings = load_settings(environ={**environ,
                                      "EIGENDOSSIER_DATABASE_URL": AT_SCALE["DATABASE_URL"],
                                      "EIGENDOSSIER_REDIS_URL": AT_SCALE["REDIS_URL"]})
    check_start(settings)
    assert list(settings["ENCRYPTION_KEYS"]) == ["k1"]
    assert not (tmp_path / "new").exists(), "nothing is written by printing"
