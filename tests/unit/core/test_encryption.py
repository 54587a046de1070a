"""AES-256-GCM at rest: sealed blobs open only with their key, row and column."""
import base64
import json
import os
import stat

import pytest

from eigendossier.core.encryption import (
    KEY_FILE,
    DecryptionError,
    EncryptionConfigError,
    Keyring,
    instance_keys,
    keyring_from_config,
    new_key,
)


def ring(current="k1", **keys):
    keys = keys or {"k1": os.urandom(32)}
    return Keyring(keys, current)


def test_seal_and_open_round_trip_without_plaintext_in_the_blob():
    keys = ring()
    sealed = keys.seal(b"secret badge payload", "credential:abc:1:original")
    assert sealed.key_id == "k1"
    assert b"secret badge payload" not in sealed.blob
    assert keys.open("k1", sealed.blob, "credential:abc:1:original") == b"secret badge payload"


def test_each_seal_uses_a_fresh_nonce():
    keys = ring()
    assert keys.seal(b"same", "row").blob != keys.seal(b"same", "row").blob


@pytest.mark.parametrize("aad", ["credential:abc:2:original", "credential:abc:1:summary", ""])
def test_a_blob_moved_to_another_row_or_column_does_not_open(aad):
    keys = ring()
    sealed = keys.seal(b"payload", "credential:abc:1:original")
    with pytest.raises(DecryptionError):
        keys.open("k1", sealed.blob, aad)


def test_a_tampered_blob_does_not_open():
    keys = ring()
    blob = bytearray(keys.seal(b"payload", "row").blob)
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        keys.open("k1", bytes(blob), "row")
    with pytest.raises(DecryptionError):
        keys.open("k1", b"short", "row")


def test_a_blob_relabelled_with_another_key_id_does_not_open():
    shared = os.urandom(32)
    keys = Keyring({"k1": shared, "k2": shared}, "k1")
    sealed = keys.seal(b"payload", "row")
    with pytest.raises(DecryptionError):
        keys.open("k2", sealed.blob, "row")


def test_rotation_new_data_uses_the_new_key_old_data_still_opens():
    old_key, new = os.urandom(32), os.urandom(32)
    before = Keyring({"2025": old_key}, "2025")
    sealed = before.seal_json({"title": "VCA"}, "row")
    after = Keyring({"2025": old_key, "2026": new}, "2026")
    assert after.open_json("2025", sealed.blob, "row") == {"title": "VCA"}
    assert after.seal(b"x", "row").key_id == "2026"
    retired = Keyring({"2026": new}, "2026")
    with pytest.raises(DecryptionError, match="unknown key id"):
        retired.open("2025", sealed.blob, "row")


@pytest.mark.parametrize(("config", "message"), [
    ({"ENCRYPTION_KEYS": {"k1": base64.b64encode(b"short").decode()},
      "ENCRYPTION_KEY_ID": "k1"}, "must be 32 bytes"),
    ({"ENCRYPTION_KEYS": {"k1": "not base64!"}, "ENCRYPTION_KEY_ID": "k1"}, "not base64"),
    ({"ENCRYPTION_KEYS": {"k1": new_key(), "k2": new_key()}, "ENCRYPTION_KEY_ID": "k3"},
     "not one of"),
    ({"ENCRYPTION_KEYS": {"k1": new_key(), "k2": new_key()}}, "not one of"),
])
def test_unusable_key_config_is_refused_clearly(config, message, tmp_path):
    with pytest.raises(EncryptionConfigError, match=message):
        keyring_from_config(config, str(tmp_path))


def test_configured_keys_are_used_and_nothing_is_written(tmp_path):
    key = new_key()
    keys = keyring_from_config({"ENCRYPTION_KEYS": {"prod-1": key}}, str(tmp_path))
    assert keys.current == "prod-1"
    assert not (tmp_path / KEY_FILE).exists()


def test_without_config_a_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = keyring_from_config({}, str(tmp_path))
    sealed = first.seal(b"payload", "row")
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = keyring_from_config({"ENCRYPTION_KEYS": {}}, str(tmp_path))
    assert second.open(sealed.key_id, sealed.blob, "row") == b"payload"
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary files left


def test_a_key_file_written_by_another_worker_first_is_kept(tmp_path):
    theirs = {"current": "w1", "keys": {"w1": new_key()}}
    (tmp_path / KEY_FILE).write_text(json.dumps(theirs))
    assert instance_keys(str(tmp_path)) == theirs
