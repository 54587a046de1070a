"""The HTTP side of Web Push (RFC 8030/8291/8292): encrypt, sign, post, retry. No database.

- Kept-alive connections per push-service origin (up to ``concurrency`` each, ``wire``),
  under the outbound address rules (no private addresses unless configured), never
  following redirects, with a connect and a read timeout on every request. Not requests
  or urllib3: their per-call work cost more CPU than the rest of a message.
- Each message is encrypted once (``ece``: a fresh ephemeral key, ``cryptography``
  directly), before its first attempt; retries send the same body.
- VAPID headers are signed once per push-service origin and reused until an hour before
  they expire; each origin gets a fresh claims dict (pywebpush fills ``aud`` into the dict
  it is given and keeps it, which sends the wrong audience to the next service).
- ``TTL`` is always set, with ``Urgency`` and ``Topic`` (a newer message with the same topic
  replaces an undelivered older one at the push service).
- 404/410: the subscription is gone. 408/429/5xx, timeouts and broken connections are
  retried with exponential backoff and jitter, honouring ``Retry-After``, at most
  ``max_attempts`` in all and never past the TTL. A wait longer than ``inline_wait_max``
  is handed back (``RETRY``) so the caller can schedule it instead of holding a worker.
- A batch may carry a moment (``stop_at``, epoch seconds) after which no attempt starts: a
  message not tried yet is handed back untouched (``UNSENT``), one waiting for its next
  attempt is handed back for a later tick (``RETRY``). The caller sets it before its lease
  runs out, so no message goes out after another worker may have taken it.
- Every attempt is reported back for the record.
"""
import contextlib
import email.utils
import functools
import queue
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from py_vapid import Vapid02

from eigendossier.core.outbound import AddressRefused, Policy
from eigendossier.notifications import ece, wire

SENT, GONE, FAILED, EXPIRED, RETRY = "sent", "gone", "failed", "expired", "retry"
UNSENT = "unsent"  # not tried: the batch ran out of time before its turn
VAPID_LIFETIME = 12 * 3600
VAPID_REFRESH_BEFORE = 3600
RETRY_AFTER_MAX = 366 * 86400  # longer than any TTL: the message expires either way
USER_AGENT = "EigenDossier/0.1 (+https://eigendossier.nl)"


@dataclass(frozen=True)
class PushMessage:
    """One encrypted message to one subscription. `deadline` is when the TTL, counted from
    when the reminder was prepared, runs out (epoch seconds); `key` is the caller's id."""

    key: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    deadline: float
    urgency: str = "normal"
    topic: str | None = None
    attempts_before: int = 0


@dataclass
class Attempt:
    number: int
    at: datetime
    status: int | None
    error: str
    retry_after: float | None
    duration_ms: int


@dataclass
class Outcome:
    key: int
    result: str
    attempts: list[Attempt] = field(default_factory=list)
    retry_in: float | None = None

    @property
    def status(self) -> int | None:
        return self.attempts[-1].status if self.attempts else None


@functools.lru_cache(maxsize=4096)
def split_endpoint(endpoint: str) -> tuple[str, str]:
    """The origin and the request target (path and query) of a push endpoint. Cached: the
    job splits each endpoint for the record and every attempt needs it again."""
    parts = urlsplit(endpoint)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc}", f"{path}?{parts.query}" if parts.query else path


_FIXED_HEADERS = {"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
                  "User-Agent": USER_AGENT}

# A message to send, its body, and where its outcome goes.
_Work = tuple[PushMessage, bytes, "queue.SimpleQueue[Outcome]", float | None]


def origin_of(endpoint: str) -> str:
    return split_endpoint(endpoint)[0]


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # Bounded: a number too large for a float is infinite, which no database takes.
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def retryable(status: int | None) -> bool:
    return status is None or status in (408, 429) or status >= 500


class PushSender:
    """Sends push messages; safe to share between threads (one per process)."""

    def __init__(self, vapid: Vapid02, subject: str, policy: Policy | None = None, *,
                 concurrency: int = 16, timeout: tuple[float, float] = (3.05, 10.0),
                 max_attempts: int = 5, backoff_base: float = 1.0, backoff_cap: float = 300.0,
                 inline_wait_max: float = 10.0, group_window: float = 0.1,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 jitter: Callable[[], float] = random.random):
        self.vapid = vapid
        self.subject = subject
        self.policy = policy or Policy()
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.inline_wait_max = inline_wait_max
        self.group_window = group_window
        self.clock, self.sleep, self.jitter = clock, sleep, jitter
        self._origins: dict[str, wire.Origin] = {}
        self._vapid_cache: dict[str, tuple[dict, int]] = {}
        self._fixed_cache: dict[str, tuple[bytes, int]] = {}
        self._lock = threading.Lock()
        self._work: queue.SimpleQueue[_Work | None] | None = None  # the sending threads take
        self._threads: list[threading.Thread] = []

    # -- VAPID ----------------------------------------------------------------------------

    def vapid_headers(self, endpoint: str) -> dict:
        """The Authorization header for this endpoint's push service, cached per origin."""
        return self._vapid_for(origin_of(endpoint))

    def _vapid_for(self, origin: str) -> dict:
        now = int(self.clock())
        with self._lock:
            cached = self._vapid_cache.get(origin)
            if cached and cached[1] - now > VAPID_REFRESH_BEFORE:
                return cached[0]
        expires = now + VAPID_LIFETIME
        claims = {"aud": origin, "exp": expires, "sub": self.subject}  # fresh per origin
        headers = self.vapid.sign(claims)
        with self._lock:
            self._vapid_cache[origin] = (headers, expires)
        return headers

    def _fixed_headers(self, origin: str) -> bytes:
        """The headers every message to this push service carries, VAPID included, as they
        go on the wire: built when its VAPID header is (re)signed, not per message."""
        now = int(self.clock())
        cached = self._fixed_cache.get(origin)
        if cached and cached[1] - now > VAPID_REFRESH_BEFORE:
            return cached[0]
        vapid = self._vapid_for(origin)
        block = wire.header_block({**_FIXED_HEADERS, **vapid})
        with self._lock:
            self._fixed_cache[origin] = (block, self._vapid_cache[origin][1])
        return block

    # -- one message ----------------------------------------------------------------------

    def backoff(self, attempt: int) -> float:
        """Exponential, with "equal jitter": half fixed, half random."""
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return delay / 2 + self.jitter() * delay / 2

    def send(self, message: PushMessage, body: bytes | None = None,
             stop_at: float | None = None) -> Outcome:
        """Deliver one message (`body`: already encrypted), retrying while it makes sense,
        starting no attempt after `stop_at`; see the module docstring."""
        outcome = Outcome(message.key, FAILED)
        if stop_at is not None and self.clock() >= stop_at:
            outcome.result = UNSENT
            return outcome
        number = message.attempts_before
        body = self._encrypt(message) if body is None else body
        while True:
            remaining = message.deadline - self.clock()
            if remaining < 1:
                outcome.result = EXPIRED
                return outcome
            if number >= self.max_attempts:
                outcome.result = FAILED
                return outcome
            number += 1
            attempt = self._post(message, body, number, int(remaining))
            outcome.attempts.append(attempt)
            if attempt.status is not None and 200 <= attempt.status < 300:
                outcome.result = SENT
                return outcome
            if attempt.status in (404, 410):
                outcome.result = GONE
                return outcome
            if not retryable(attempt.status) or attempt.error.startswith("refused"):
                outcome.result = FAILED
                return outcome
            if number >= self.max_attempts:
                outcome.result = FAILED
                return outcome
            wait = max(self.backoff(number), attempt.retry_after or 0.0)
            if self.clock() + wait >= message.deadline - 1:
                outcome.result = EXPIRED
                return outcome
            if wait > self.inline_wait_max or (
                    stop_at is not None and self.clock() + wait >= stop_at):
                outcome.result, outcome.retry_in = RETRY, wait
                return outcome
            self.sleep(wait)

    def _encrypt(self, message: PushMessage) -> bytes:
        return ece.encrypt(message.payload, message.p256dh, message.auth)

    def _connections(self, origin: str) -> wire.Origin:
        with self._lock:
            connections = self._origins.get(origin)
            if connections is None:
                connections = self._origins[origin] = wire.Origin(
                    origin, self.policy, self.timeout, self.concurrency)
            return connections

    def _post(self, message: PushMessage, body: bytes, number: int, ttl: int) -> Attempt:
        origin, path = split_endpoint(message.endpoint)
        headers = {"TTL": str(ttl), "Urgency": message.urgency}
        if message.topic:
            headers["Topic"] = message.topic
        at = datetime.now(UTC)
        started = time.monotonic()
        status, error, retry_after = None, "", None
        try:
            response = self._connections(origin).post(path, headers, body,
                                                      self._fixed_headers(origin))
            status = response.status
            retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock())
            if not 200 <= status < 300:
                error = response.reason[:100]
        except AddressRefused as refused:
            error = f"refused: address not allowed ({refused.address})"
        except TimeoutError:
            error = "timeout"
        except ssl.SSLError:
            error = "connection failed (SSLError)"
        except OSError:
            error = "connection failed (ConnectionError)"
        duration = int((time.monotonic() - started) * 1000)
        return Attempt(number, at, status, error[:200], retry_after, duration)

    # -- many -----------------------------------------------------------------------------

    def send_many(self, messages: Iterable[PushMessage],
                  stop_at: float | None = None) -> Iterator[list[Outcome]]:
        """Send concurrently (up to `concurrency` at once), starting no attempt after
        `stop_at`. Yields the outcomes as they finish, in groups of those that finished
        within `group_window` seconds of the group's first, so the caller records each group
        in one transaction soon after it is known: a transaction per outcome cost more CPU
        than sending it. The price: a worker that dies loses at most that window's outcomes,
        and those messages go out again."""
        messages = list(messages)
        if len(messages) <= 1 or self.concurrency == 1:
            for message in messages:
                yield [self._safe_send(message, None, stop_at)]
            return
        work = self._start_threads()
        # Encrypt them all first, in one run: the same work done by a thread just woken from
        # waiting on the network runs on cold caches and cost three times the CPU.
        bodies = [self._safe_encrypt(message) for message in messages]
        # Each send puts its outcome on a queue: waiting on the futures instead would hook
        # a waiter onto every pending one each time, which cost more than the sends.
        finished: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        for message, body in zip(messages, bodies, strict=True):
            if isinstance(body, Outcome):
                finished.put(body)
            else:
                work.put((message, body, finished, stop_at))
        left = len(messages)
        while left:
            group = [finished.get()]
            if len(group) < left:  # let the group fill for a moment, then take it at once
                time.sleep(self.group_window)
            with contextlib.suppress(queue.Empty):
                while len(group) < left:
                    group.append(finished.get_nowait())
            left -= len(group)
            yield group

    def _safe_send(self, message: PushMessage, body: bytes | None = None,
                   stop_at: float | None = None) -> Outcome:
        try:
            return self.send(message, body, stop_at)
        except Exception as error:  # a broken key or payload: fail this one, not the batch
            return _broken(message, error)

    def _safe_encrypt(self, message: PushMessage) -> bytes | Outcome:
        try:
            return self._encrypt(message)
        except Exception as error:
            return _broken(message, error)

    def _start_threads(self) -> "queue.SimpleQueue[_Work | None]":
        """`concurrency` threads that send what is put on the work queue, started once.
        Not a ThreadPoolExecutor: a future, a work item and a semaphore per message cost
        more CPU than two queue operations."""
        with self._lock:
            if self._work is None:
                self._work = queue.SimpleQueue()
                self._threads = [threading.Thread(target=self._serve, args=(self._work,),
                                                  name=f"push-{n}", daemon=True)
                                 for n in range(self.concurrency)]
                for thread in self._threads:
                    thread.start()
            return self._work

    def _serve(self, work: "queue.SimpleQueue[_Work | None]") -> None:
        while (item := work.get()) is not None:
            message, body, finished, stop_at = item
            finished.put(self._safe_send(message, body, stop_at))

    def close(self) -> None:
        with self._lock:
            work, threads, self._work, self._threads = self._work, self._threads, None, []
        if work is not None:
            for _ in threads:
                work.put(None)  # each thread ends on the first None it takes
            for thread in threads:
                thread.join()
        with self._lock:
            origins, self._origins = list(self._origins.values()), {}
        for connections in origins:
            connections.close()


def _broken(message: PushMessage, error: Exception) -> Outcome:
    attempt = Attempt(message.attempts_before + 1, datetime.now(UTC),
                      None, f"error: {type(error).__name__}", None, 0)
    return Outcome(message.key, FAILED, [attempt])
