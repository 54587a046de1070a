"""The bundled JSON-LD contexts are the published documents, pinned by hash."""

import hashlib
import json

import pytest

from eigendossier.credentials import linkeddata

# Each context real issuers use (issue 14) must be carried offline.
REQUIRED = (
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/2018/credentials/examples/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/dcc/v1",
)


def test_every_context_real_issuers_use_is_bundled():
    assert [url for url in REQUIRED if not linkeddata.is_pinned(url)] == []


@pytest.mark.parametrize("url", sorted(linkeddata.pinned_urls()))
def test_bundled_context_matches_its_pinned_hash(url):
    path = linkeddata.pinned_urls()[url]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == linkeddata.pinned_hashes()[path.name]
    assert "@context" in json.loads(path.read_bytes())


def test_every_bundled_file_is_pinned():
    files = {p.name for p in linkeddata.CONTEXT_DIR.iterdir() if p.suffix in (".json", ".jsonld")}
    assert files == set(linkeddata.pinned_hashes())


def test_a_changed_context_file_is_refused(tmp_path, monkeypatch):
    changed = tmp_path / "credentials-v2.jsonld"
    changed.write_bytes(linkeddata.pinned_urls()[linkeddata_url()].read_bytes() + b" ")
    urls = dict(linkeddata.pinned_urls()) | {linkeddata_url(): changed}
    monkeypatch.setattr(linkeddata, "pinned_urls", lambda: urls)
    linkeddata._load_pinned.cache_clear()
    try:
        with pytest.raises(linkeddata.ContextRefused):
            linkeddata.document_loader(linkeddata_url())
    finally:
        linkeddata._load_pinned.cache_clear()


def linkeddata_url():
    return "https://www.w3.org/ns/credentials/v2"
