"""Races at the issuer end in answers, not 500s: one pre-authorized code tapped on four
devices at once gives one token; one token spent four times at once gives one credential;
one nonce in two proofs at once is redeemed once."""
import threading

import pytest

from eigendossier.core.extensions import db
from eigendossier.openid4vci.models import VciAccessToken
from tests.api.openid4vci.conftest import offer_for
from tests.api.openid4vci.test_issuer_refusals import code_of, credential, nonce, proof, token

pytestmark = pytest.mark.both_databases


def at_once(app, action, times: int = 4) -> list:
    barrier, answers = threading.Barrier(times), []

    def send(number):
        device = app.test_client()
        barrier.wait()
        answers.append(action(device, number))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_code_redeemed_at_once_gives_one_token(app, staff, awarded):
    code = code_of(offer_for(staff, awarded, tx_code=False))
    answers = at_once(app, lambda device, _: token(device, code))
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400]
    assert all(a.get_json()["error"] == "invalid_grant" for a in answers if a.status_code == 400)
    with app.app_context():
        assert db.session.query(VciAccessToken).count() == 1


def test_a_token_spent_at_once_gives_one_credential(app, client, staff, awarded, aud):
    access = token(client, code_of(offer_for(staff, awarded, tx_code=False))).get_json()
    proofs = [proof(aud, nonce(client)) for _ in range(4)]
    answers = at_once(app, lambda device, n: credential(device, access["access_token"],
                                                        proofs[n]))
    assert sorted(a.status_code for a in answers) == [200, 401, 401, 401]


def test_a_nonce_in_two_proofs_at_once_is_redeemed_once(app, client, staff, awarded, aud):
    tokens = [token(client, code_of(offer_for(staff, awarded, tx_code=False)))
              .get_json()["access_token"] for _ in range(2)]
    shared = proof(aud, nonce(client))
    answers = at_once(app, lambda device, n: credential(device, tokens[n], shared), times=2)
    assert sorted(a.status_code for a in answers) == [200, 400]
