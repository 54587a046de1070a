"""The push sender against the real local push service: VAPID per origin, headers,
encryption, retries with backoff and Retry-After, TTL, the address guard, concurrency."""
import dataclasses
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from eigendossier.core.outbound import Policy
from eigendossier.notifications.sender import (
    EXPIRED,
    FAILED,
    GONE,
    RETRY,
    RETRY_AFTER_MAX,
    SENT,
    UNSENT,
    PushMessage,
    PushSender,
    parse_retry_after,
)
from tests.support_push import PushService, b64url

LOCAL = Policy(allow_http=True, allow_private=True)


@pytest.fixture
def vapid():
    return Vapid02(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def public_key(vapid):
    return b64url(vapid.public_key.public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


@pytest.fixture
def push(public_key):
    with PushService(public_key) as service:
        yield service


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def sender(vapid, sleeps):
    sender = PushSender(vapid, "mailto:beheer@example.nl", LOCAL, concurrency=8,
                        timeout=(1, 1), sleep=sleeps, jitter=lambda: 1.0)
    yield sender
    sender.close()


def message(subscription, key=1, ttl=3600, **extra):
    return PushMessage(key=key, endpoint=subscription.endpoint, p256dh=subscription.p256dh,
                       auth=subscription.auth, payload=json.dumps({"title": "Hoi"}).encode(),
                       deadline=time.time() + ttl, **extra)


def test_sent_encrypted_signed_and_with_every_header(sender, push):
    phone = push.subscribe("phone")
    outcome = sender.send(message(phone, urgency="high", topic="module-7"))
    assert outcome.result == SENT
    assert outcome.status == 201
    [received] = push.delivered()
    assert received.payload == {"title": "Hoi"}
    assert 3590 < int(received.headers["ttl"]) <= 3600
    assert received.headers["urgency"] == "high"
    assert received.headers["topic"] == "module-7"
    assert received.claims["sub"] == "mailto:beheer@example.nl"


def test_vapid_is_signed_once_per_push_service_with_its_own_audience(vapid, sender, public_key):
    signed = []
    real_sign = vapid.sign
    vapid.sign = lambda claims: signed.append(dict(claims)) or real_sign(claims)
    with PushService(public_key) as first, PushService(public_key) as second:
        for service in (first, second, first, second):
            assert sender.send(message(service.subscribe("x"))).result == SENT
        assert [c["aud"] for c in signed] == [first.origin, second.origin]
        assert first.delivered()[0].claims["aud"] == first.origin
        assert second.delivered()[1].claims["aud"] == second.origin


@pytest.mark.parametrize("status", [404, 410])
def test_gone_at_once(sender, push, status):
    phone = push.subscribe("phone")
    push.answer("phone", status)
    outcome = sender.send(message(phone))
    assert (outcome.result, len(outcome.attempts)) == (GONE, 1)


def test_exponential_backoff_with_jitter_then_give_up_after_five(vapid, push):
    phone = push.subscribe("phone")
    push.answer("phone", *[500] * 6)
    waits = Sleeps()
    draws = iter([0.0, 1.0, 0.5, 0.25])
    sender = PushSender(vapid, "mailto:beheer@example.nl", LOCAL, backoff_base=2.0,
                        inline_wait_max=100, sleep=waits, jitter=lambda: next(draws))
    outcome = sender.send(message(phone))
    assert (outcome.result, len(outcome.attempts)) == (FAILED, 5)
    # 2, 4, 8, 16 seconds, each between half and all of it.
    assert waits == [1.0, 4.0, 6.0, 10.0]
    sender.close()


def test_retry_after_is_honoured(sender, push, sleeps):
    phone = push.subscribe("phone")
    push.answer("phone", (429, {"Retry-After": "7"}))
    sender.inline_wait_max = 5
    outcome = sender.send(message(phone))
    assert outcome.result == RETRY, "longer than inline_wait_max"
    assert outcome.retry_in == 7, "longer than inline_wait_max"
    push.answer("phone", (503, {"Retry-After": "3"}))
    sender.inline_wait_max = 10
    outcome = sender.send(message(phone))
    assert outcome.result == SENT
    assert sleeps == [3.0]
    assert [a.retry_after for a in outcome.attempts] == [3.0, None]


def test_never_past_the_ttl(sender, push):
    phone = push.subscribe("phone")
    push.answer("phone", (503, {"Retry-After": "120"}))
    assert sender.send(message(phone, ttl=60)).result == EXPIRED
    assert sender.send(message(phone, ttl=0)).result == EXPIRED
    assert len(push.requests) == 1


def test_attempts_count_across_sends(sender, push):
    phone = push.subscribe("phone")
    push.answer("phone", 500, 500)
    outcome = sender.send(message(phone, attempts_before=3))
    assert outcome.result == FAILED
    assert [a.number for a in outcome.attempts] == [4, 5]


def test_no_attempt_starts_after_the_batch_must_stop(sender, push):
    subscriptions = [push.subscribe(f"d{n}") for n in range(3)]
    groups = sender.send_many((message(s, key=n) for n, s in enumerate(subscriptions)),
                              stop_at=time.time() - 1)
    outcomes = [o for group in groups for o in group]
    assert sorted((o.key, o.result, o.attempts) for o in outcomes) == [
        (0, UNSENT, []), (1, UNSENT, []), (2, UNSENT, [])]
    assert push.requests == []


def test_a_retry_that_would_start_after_the_batch_must_stop_is_handed_back(sender, push,
                                                                          sleeps):
    phone = push.subscribe("phone")
    push.answer("phone", 503)
    outcome = sender.send(message(phone), stop_at=time.time() + 0.5)
    assert (outcome.result, outcome.retry_in) == (RETRY, 1.0), "the backoff is 1 s"
    assert [a.status for a in outcome.attempts] == [503]
    assert sleeps == []
    assert len(push.requests) == 1


def test_private_addresses_are_refused_unless_allowed(vapid, push):
    guarded = PushSender(vapid, "mailto:beheer@example.nl", Policy(allow_http=True))
    outcome = guarded.send(message(push.subscribe("phone")))
    assert outcome.result == FAILED
    assert outcome.attempts[0].error.startswith("refused")
    assert push.requests == []
    guarded.close()


def test_concurrent_sends_share_one_session(vapid, push):
    push.delay = 0.2
    sender = PushSender(vapid, "mailto:beheer@example.nl", LOCAL, concurrency=10)
    subscriptions = [push.subscribe(f"d{n}") for n in range(20)]
    started = time.monotonic()
    outcomes = [o for group in sender.send_many(message(s, key=n)
                                                  for n, s in enumerate(subscriptions))
                for o in group]
    assert time.monotonic() - started < 2.0, "ten at a time, not one by one (4 s)"
    assert sorted(o.key for o in outcomes) == list(range(20))
    assert {o.result for o in outcomes} == {SENT}
    sender.close()


def test_parse_retry_after():
    assert parse_retry_after("120", 0) == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10
    assert parse_retry_after("soon", 0) is None
    assert parse_retry_after(None, 0) is None
    assert parse_retry_after("9" * 400, 0) == RETRY_AFTER_MAX, "not infinite"
    assert parse_retry_after("\u00b2", 0) is None, "a digit, but not a number"


def test_a_broken_browser_key_fails_that_message_only(vapid, push):
    """Bodies are encrypted up front for the whole batch: a key that is not a P-256 point
    fails its own message there, the others are sent and decrypted by the service."""
    sender = PushSender(vapid, "mailto:beheer@example.nl", LOCAL, concurrency=4)
    good = [push.subscribe(f"d{n}") for n in range(3)]
    broken = dataclasses.replace(message(push.subscribe("broken"), key=99), p256dh="AAAA")
    outcomes = {o.key: o for group in sender.send_many([*(message(s, key=n)
                                                          for n, s in enumerate(good)), broken])
                for o in group}
    sender.close()
    assert outcomes[99].result == FAILED
    assert outcomes[99].attempts[0].error == "error: ValueError"
    assert [outcomes[n].result for n in range(3)] == [SENT] * 3
    assert sorted(r.name for r in push.delivered()) == ["d0", "d1", "d2"]
    assert all(r.payload == {"title": "Hoi"} for r in push.delivered())
