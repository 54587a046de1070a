"""`flask issuers sign-list` signs a list with a key file; `flask issuers fetch-list` takes a
published list only when the configured key signed it."""
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from eigendossier.dossier import trust
from tests.api.dossier.conftest import OPEN_OUTBOUND

KEY = ed25519.Ed25519PrivateKey.generate()
LIST = {"name": "Lijst van MBO Test", "expires": "2099-01-01T00:00:00Z",
        "issuers": [{"name": "ROC Test", "kind": "mbo", "dids": ["did:web:roc-test.example"]}]}


@pytest.fixture
def app_settings(tmp_path, badge_host):
    return {**OPEN_OUTBOUND, "TRUSTED_ISSUERS_LIST": str(tmp_path / "kept.jws"),
            "TRUSTED_ISSUERS_URL": badge_host.url + "/trusted-issuers.jws",
            "TRUSTED_ISSUERS_PUBLIC_KEY": trust.public_key_text(KEY)}


def test_sign_list_writes_a_list_the_public_key_verifies(runner, tmp_path):
    key_file = tmp_path / "issuers.pem"
    key_file.write_bytes(KEY.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    source = tmp_path / "list.json"
    source.write_text(json.dumps(LIST))
    out = tmp_path / "list.jws"
    result = runner.invoke(args=["issuers", "sign-list", str(source), "--key", str(key_file),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f'TRUSTED_ISSUERS_PUBLIC_KEY = "{trust.public_key_text(KEY)}"' in result.output
    registry = trust.read_list(out.read_text(), KEY.public_key(), trust.utcnow())
    assert registry.find("did:web:roc-test.example", None).name == "ROC Test"

    source.write_text(json.dumps({"name": "zonder uitgevers"}))
    result = runner.invoke(args=["issuers", "sign-list", str(source), "--key", str(key_file),
                                 "--out", str(tmp_path / "bad.jws")])
    assert result.exit_code != 0
    assert not (tmp_path / "bad.jws").exists()


def test_fetch_list_keeps_only_a_list_signed_by_the_configured_key(runner, app, badge_host):
    kept = app.config["TRUSTED_ISSUERS_LIST"]
    badge_host.put("/trusted-issuers.jws",
                   trust.sign_list(LIST, ed25519.Ed25519PrivateKey.generate()).encode(),
                   "application/jose")
    result = runner.invoke(args=["issuers", "fetch-list"])
    assert result.exit_code != 0
    assert "signature" in result.output
    with pytest.raises(FileNotFoundError):
        open(kept).close()
    badge_host.put("/trusted-issuers.jws", trust.sign_list(LIST, KEY).encode(),
                   "application/jose")
    result = runner.invoke(args=["issuers", "fetch-list"])
    assert result.exit_code == 0, result.output
    assert "Lijst van MBO Test: 1 issuers, valid until 2099-01-01" in result.output
    with app.app_context():
        assert trust.registry().name == "Lijst van MBO Test"
