"""The signed list of trusted issuers: a good signature is read, a bad or expired list is
refused (and then ignored with a warning, never a crash), issuers match by DID and by the
origin of their URL, and a changed file is read again."""
import json
import logging
import os
import tomllib
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from eigendossier.dossier import trust
from tests.credentials_support import ROOT

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
LIST = {
    "name": "Lijst van ROC Test",
    "expires": "2028-01-01T00:00:00Z",
    "issuers": [
        {"name": "ROC Test", "kind": "mbo", "dids": ["did:web:roc.example"],
         "origins": ["https://www.roc.example/"]},
        {"name": "Branche Academie", "kind": "trusted", "dids": [],
         "origins": ["https://academie.example:8443"]},
    ],
}


@pytest.fixture
def key():
    return ed25519.Ed25519PrivateKey.generate()


def public(key) -> ed25519.Ed25519PublicKey:
    return key.public_key()


def test_a_signed_list_is_read_and_matches_by_did_and_by_origin(key):
    registry = trust.read_list(trust.sign_list(LIST, key), public(key), NOW)
    assert registry.name == "Lijst van ROC Test"
    assert registry.find("did:web:roc.example", None).name == "ROC Test"
    assert registry.find("did:web:roc.example#key-1", None).kind == "mbo"
    assert registry.find("https://WWW.roc.example/issuer.json", None).name == "ROC Test"
    assert registry.find("did:key:z6Mk", "https://www.roc.example/over-ons").name == "ROC Test"
    assert registry.find(None, "https://academie.example:8443/x").kind == "trusted"
    assert registry.find(None, "https://academie.example/x") is None, "another port"
    assert registry.find(None, "http://www.roc.example/") is None, "another scheme"
    assert registry.find("did:web:roc.example.evil", "https://roc.example.evil") is None


def test_a_list_signed_by_another_key_is_refused(key):
    token = trust.sign_list(LIST, ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(trust.ListRefused, match="signature"):
        trust.read_list(token, public(key), NOW)


def test_a_changed_list_is_refused(key):
    header, _, signature = trust.sign_list(LIST, key).split(".")
    other = trust.sign_list({**LIST, "name": "Iets anders"}, key).split(".")[1]
    with pytest.raises(trust.ListRefused):
        trust.read_list(f"{header}.{other}.{signature}", public(key), NOW)
    with pytest.raises(trust.ListRefused):
        trust.read_list("not a jws", public(key), NOW)


def test_an_expired_list_is_refused(key):
    token = trust.sign_list({**LIST, "expires": "2027-01-01T00:00:00Z"}, key)
    with pytest.raises(trust.ListRefused, match="expired"):
        trust.read_list(token, public(key), NOW)


def installation(tmp_path, key, document=LIST):
    path = tmp_path / "trusted.jws"
    path.write_text(trust.sign_list(document, key))
    return path, SimpleNamespace(config={"TRUSTED_ISSUERS_LIST": str(path),
                                         "TRUSTED_ISSUERS_PUBLIC_KEY": trust.public_key_text(key)})


def test_a_bad_list_is_ignored_with_a_warning_and_a_new_file_is_read(tmp_path, key, caplog):
    path, app = installation(tmp_path, key)
    loaded = trust.Loaded()
    assert loaded.current(app).name == "Lijst van ROC Test"
    path.write_text(trust.sign_list({**LIST, "name": "Vervalst"},
                                    ed25519.Ed25519PrivateKey.generate()))
    os.utime(path, ns=(1, 1))
    with caplog.at_level(logging.WARNING, logger="eigendossier.dossier.trust"):
        assert loaded.current(app) is None
    assert "ignored" in caplog.text
    path.write_text(trust.sign_list({**LIST, "name": "Nieuwe lijst"}, key))
    os.utime(path, ns=(2, 2))
    assert loaded.current(app).name == "Nieuwe lijst"


def test_a_missing_file_or_key_is_ignored(tmp_path, key):
    app = SimpleNamespace(config={"TRUSTED_ISSUERS_LIST": str(tmp_path / "nowhere.jws"),
                                  "TRUSTED_ISSUERS_PUBLIC_KEY": trust.public_key_text(key)})
    assert trust.Loaded().current(app) is None
    _, app = installation(tmp_path, key)
    app.config["TRUSTED_ISSUERS_PUBLIC_KEY"] = "no key"
    assert trust.Loaded().current(app) is None


def test_the_shipped_demo_list_verifies_with_the_default_key():
    defaults = tomllib.loads((ROOT / "config" / "default.toml").read_text())
    app = SimpleNamespace(config=defaults)
    registry = trust.Loaded().current(app)
    assert registry is not None
    assert "DEMO" in registry.name
    assert registry.find("did:web:localhost%3A5000:issuers:techniek-college-rijnmond",
                         None).kind == "mbo"
    shipped = json.loads(trust.DEMO_LIST.with_suffix(".json").read_text())
    assert json.loads(trust.b64url_decode(trust.DEMO_LIST.read_text().split(".")[1])) == shipped


def test_a_list_that_expires_while_running_is_dropped(tmp_path, key, monkeypatch, caplog):
    _, app = installation(tmp_path, key)
    monkeypatch.setattr(trust, "utcnow", lambda: datetime(2027, 12, 31, 23, 0, tzinfo=UTC))
    loaded = trust.Loaded()
    assert loaded.current(app) is not None
    monkeypatch.setattr(trust, "utcnow", lambda: datetime(2028, 1, 1, 0, 1, tzinfo=UTC))
    with caplog.at_level(logging.WARNING, logger="eigendossier.dossier.trust"):
        assert loaded.current(app) is None
    assert "expired" in caplog.text
