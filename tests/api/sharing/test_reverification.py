"""Two employers opening a page with a stale result at once: one stores the new result, and
the page is shown either way (SQLite and PostgreSQL)."""
import threading
from datetime import UTC, datetime

import pytest

from eigendossier.core.extensions import db
from tests.api.sharing.conftest import BROWSER, path_of
from tests.api.sharing.test_page import checked_at, html_of, set_checked_at

pytestmark = pytest.mark.both_databases

OLD = datetime(2020, 1, 1, tzinfo=UTC)


def test_only_one_request_stores_a_stale_result_again(app, dossier):
    from eigendossier.sharing import service

    set_checked_at(app, dossier.png, OLD)
    with app.test_request_context():
        assert service._claim({dossier.png: OLD}, datetime.now(UTC)) == [dossier.png]
        db.session.commit()
        assert service._claim({dossier.png: OLD}, datetime.now(UTC)) == []
        db.session.commit()
    assert checked_at(app, dossier.png) > OLD


def test_a_result_stored_meanwhile_by_another_request_is_kept(app, employer, dossier, share,
                                                             monkeypatch):
    """Another process verified the credential while this request did: its result stays,
    and the page still shows the credential checked."""
    from eigendossier.dossier import service as dossier_service

    set_checked_at(app, dossier.png, OLD)
    theirs = datetime(2026, 1, 1, tzinfo=UTC)
    verify = dossier_service.verification.verify

    def verified_elsewhere_meanwhile(*args, **kwargs):
        result = verify(*args, **kwargs)
        set_checked_at(app, dossier.png, theirs)
        return result

    monkeypatch.setattr(dossier_service.verification, "verify", verified_elsewhere_meanwhile)
    page = html_of(employer.get(path_of(share), headers=BROWSER))
    assert page.count("Geverifieerd</span>") == 2
    assert checked_at(app, dossier.png) == theirs


def test_a_credential_being_verified_here_is_not_verified_twice_at_once(
        app, employer, dossier, share, monkeypatch):
    """While one request of this process verifies it, another shows the stored result."""
    from eigendossier.dossier import service as dossier_service

    set_checked_at(app, dossier.png, OLD)
    verify = dossier_service.verification.verify
    started, go_on, calls = threading.Event(), threading.Event(), []

    def slow_verify(*args, **kwargs):
        calls.append(threading.get_ident())
        started.set()
        go_on.wait(10)
        return verify(*args, **kwargs)

    monkeypatch.setattr(dossier_service.verification, "verify", slow_verify)
    first = []
    thread = threading.Thread(
        target=lambda: first.append(app.test_client().get(path_of(share), headers=BROWSER)))
    thread.start()
    try:
        assert started.wait(10)
        second = html_of(employer.get(path_of(share), headers=BROWSER))
    finally:
        go_on.set()
        thread.join()
    assert "1 januari 2020" in second  # the stored result, with its date
    assert len(calls) == 1
    assert first[0].status_code == 200
    assert checked_at(app, dossier.png) > OLD
