"""Key rotation helpers: a running process sees a rewritten key file at once; new key ids are
never reused."""
import json
import os

from flask import Flask

from eigendossier.core.encryption import KEY_FILE, keyring, new_key
from eigendossier.core.rotation import _next_key_id


def test_a_running_process_picks_up_a_rotated_key_file(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    first = keyring(app)
    sealed = first.seal(b"payload", "row")
    assert sealed.key_id == "k1"
    assert keyring(app) is first  # unchanged file: the same ring, no re-read

    stored = json.loads((tmp_path / KEY_FILE).read_text())
    stored["keys"]["k2"] = new_key()
    stored["current"] = "k2"
    replacement = tmp_path / "next.json"
    replacement.write_text(json.dumps(stored))
    os.replace(replacement, tmp_path / KEY_FILE)  # as rotate-key writes it

    ring = keyring(app)
    assert ring.current == "k2"
    assert ring.seal(b"new", "row").key_id == "k2"
    assert ring.open("k1", sealed.blob, "row") == b"payload"


def test_new_key_ids_skip_current_and_retired_ones():
    assert _next_key_id({"keys": {"k1": ""}}) == "k2"
    assert _next_key_id({"keys": {"k3": ""}, "retired": ["k1", "k2", "k7"]}) == "k8"
    assert _next_key_id({"keys": {"prod-2026": ""}}) == "k1"
