"""Tests for scrapers.http: the polite HTTP client.

HTTP is mocked with respx and time with a fake clock whose sleep only advances the clock, so
nothing here touches the network or really waits.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
import respx

from scrapers.http import (
    DEFAULT_CONTACT,
    BlockedBySite,
    DisallowedByRobots,
    FetchError,
    HostTimeOver,
    OffSite,
    PoliteClient,
    RetryLater,
    TooLarge,
    looks_like_bot_challenge,
    parse_retry_after,
    user_agent,
)
from tracker.cli.context import Context
from tracker.demo import SampleSite
from tracker.model import times
from tracker.model.config import Config, ConfigError, load_config

REAL_PAGES = sorted((Path(__file__).parent / "fixtures" / "wdtk_2019").glob("*.html"))
BLOCKED = "blocked by the site (bot challenge): import saved pages or e-mail instead"

CLOUDFLARE_CHALLENGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper" role="main">
<h1>www.whatdotheyknow.com</h1><h2>Verify you are human by completing the action below.</h2>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.whatdotheyknow.com",cType: 'managed'};
var cpo=document.createElement('script');
cpo.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';
document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></div></body></html>"""

CLOUDFLARE_BOT_SCRIPT = (
    b"<script>(function(){var d=b.createElement('script');d.innerHTML=\"window.__CF$cv$params="
    b"{r:'8a1b2c3d',t:'MTcz'};var a=document.createElement('script');a.nonce='';"
    b"a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';\"})();</script></body>"
)

ROBOTS_WDTK = """# Alaveteli core robots.txt
User-agent: *
Disallow: */feed/*
Disallow: */search/*
Disallow: */request/*/download*
Disallow: */request/*/response/*
Allow: */request/*/response/*/attach/*
Disallow: *?*update_status=1*
Disallow: /*.pdf$
"""


class FakeTime:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock_router:
        yield mock_router


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[Callable[..., PoliteClient]]:
    clients: list[PoliteClient] = []

    def make(**kwargs: object) -> PoliteClient:
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time.clock)
        kwargs.setdefault("respect_robots", False)
        client = PoliteClient(**kwargs)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def stamped(fake_time: FakeTime, times: list[float], *responses: httpx.Response | Exception):
    """A respx side effect that notes the fake time of each request and answers in turn."""
    queue = list(responses)

    def side_effect(request: httpx.Request) -> httpx.Response:
        times.append(fake_time.now)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return side_effect


class CountingStream(httpx.SyncByteStream):
    """A body of ``chunks`` chunks of ``size`` bytes that records how many were read."""

    def __init__(self, chunks: int, size: int, fail_after: int | None = None) -> None:
        self.chunks, self.size, self.fail_after = chunks, size, fail_after
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            if self.fail_after is not None and self.read == self.fail_after:
                raise httpx.RemoteProtocolError("peer closed connection before the full body")
            self.read += 1
            yield b"x" * self.size


# --- User-Agent ------------------------------------------------------------------------------


def test_user_agent_names_tool_version_and_contact() -> None:
    agent = user_agent("mailto:ops@example.org")
    expected = (
        f"foi-tracker/{version('foi-tracker')} (+mailto:ops@example.org; FOI request tracker)"
    )
    assert agent == expected
    assert DEFAULT_CONTACT in user_agent()


def test_user_agent_rejects_a_contact_that_would_break_the_header() -> None:
    with pytest.raises(ValueError):
        user_agent("ops@example.org\r\nX-Evil: 1")


def test_user_agent_header_is_sent(router, make_client) -> None:
    route = router.get("https://a.test/x").respond(200, text="ok")
    make_client(contact="mailto:ops@example.org").get("https://a.test/x")
    sent = route.calls.last.request.headers["user-agent"]
    assert sent.startswith("foi-tracker/")
    assert "mailto:ops@example.org" in sent


def test_explicit_user_agent_is_sent_verbatim(router, make_client) -> None:
    route = router.get("https://a.test/x").respond(200)
    make_client(user_agent="MyBot/2.0 (+mailto:me@example.org)").get("https://a.test/x")
    assert route.calls.last.request.headers["user-agent"] == "MyBot/2.0 (+mailto:me@example.org)"


# --- rate limit ------------------------------------------------------------------------------


def test_two_requests_to_one_host_are_spaced_by_min_interval(
    router, make_client, fake_time
) -> None:
    times: list[float] = []
    router.get(url__startswith="https://a.test/").mock(
        side_effect=stamped(fake_time, times, httpx.Response(200))
    )
    client = make_client(min_interval=2.5)
    client.get("https://a.test/one")
    client.get("https://a.test/two")
    assert fake_time.sleeps == [2.5]
    assert times == [1000.0, 1002.5]


def test_loopback_hosts_are_the_users_own_and_not_throttled(router, make_client, fake_time) -> None:
    router.get(url__startswith="http://127.0.0.1:8765/").respond(200)
    router.get(url__startswith="http://localhost:8765/").respond(200)
    router.get(url__startswith="http://[::1]:8765/").respond(200)
    router.get(url__startswith="http://127.0.0.1.example.org/").respond(200)
    client = make_client(min_interval=1.0)
    for base in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        client.get(f"{base}/one")
        client.get(f"{base}/two")
    assert fake_time.sleeps == []
    client.get("http://127.0.0.1.example.org/one")
    client.get("http://127.0.0.1.example.org/two")
    assert fake_time.sleeps == [1.0]  # a public name that merely starts like a loopback address


def test_loopback_interval_can_be_set(router, make_client, fake_time) -> None:
    router.get(url__startswith="http://127.0.0.1:9/").respond(200)
    client = make_client(loopback_interval=0.25)
    client.get("http://127.0.0.1:9/a")
    client.get("http://127.0.0.1:9/b")
    assert fake_time.sleeps == [0.25]


def test_no_wait_when_the_interval_has_already_passed(router, make_client, fake_time) -> None:
    router.get(url__startswith="https://a.test/").respond(200)
    client = make_client()
    client.get("https://a.test/one")
    fake_time.now += 5
    client.get("https://a.test/two")
    assert fake_time.sleeps == []


def test_two_hosts_are_not_throttled_against_each_other(router, make_client, fake_time) -> None:
    router.get(url__startswith="https://a.test/").respond(200)
    router.get(url__startswith="https://b.test/").respond(200)
    client = make_client()
    client.get("https://a.test/x")
    client.get("https://b.test/x")
    assert fake_time.sleeps == []
    client.get("https://a.test/y")
    assert fake_time.sleeps == [1.0]


def test_concurrent_threads_queue_one_interval_apart(router, make_client) -> None:
    router.get(url__startswith="https://a.test/").respond(200)
    sleeps: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            sleeps.append(seconds)

    client = make_client(sleep=record, clock=lambda: 50.0)
    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(lambda i: client.get(f"https://a.test/{i}"), range(5)))
    assert sorted(sleeps) == [1.0, 2.0, 3.0, 4.0]


# --- retries, backoff, Retry-After ----------------------------------------------------------


def test_503_then_200_is_retried_with_backoff_and_slows_the_host(
    router, make_client, fake_time
) -> None:
    times: list[float] = []
    router.get("https://a.test/x").mock(
        side_effect=stamped(fake_time, times, httpx.Response(503), httpx.Response(200, text="ok"))
    )
    client = make_client()
    result = client.get("https://a.test/x")
    assert result.status_code == 200
    assert result.content == b"ok"
    assert 1.0 <= fake_time.sleeps[0] <= 1.1
    assert times[1] - times[0] == pytest.approx(2.0)  # interval doubled after the 503
    assert client.stats["retries"] == 1
    assert client.stats["requests"] == 2


def test_host_stays_slower_after_a_429(router, make_client, fake_time) -> None:
    times: list[float] = []
    router.get(url__startswith="https://a.test/").mock(
        side_effect=stamped(
            fake_time,
            times,
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(200),
        )
    )
    client = make_client()
    client.get("https://a.test/x")
    client.get("https://a.test/y")
    client.get("https://a.test/z")
    assert [b - a for a, b in zip(times, times[1:])] == pytest.approx([2.0, 2.0, 2.0])


def test_429_with_retry_after_seconds_sleeps_that_long(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/x")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    result = make_client().get("https://a.test/x")
    assert result.status_code == 200
    assert fake_time.sleeps == [7.0]
    assert route.call_count == 2


def test_retry_after_as_http_date(router, make_client, fake_time) -> None:
    now = datetime(2025, 3, 4, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    router.get("https://a.test/x").side_effect = [
        httpx.Response(503, headers={"Retry-After": later}),
        httpx.Response(200),
    ]
    with times.frozen(now):
        assert make_client().get("https://a.test/x").status_code == 200
    assert fake_time.sleeps == [30.0]


def test_too_long_retry_after_gives_up_at_once(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/x").respond(429, headers={"Retry-After": "3600"})
    with times.frozen(datetime(2025, 3, 4, 12, 0, 0, tzinfo=timezone.utc)), pytest.raises(FetchError) as caught:
        make_client(max_retry_after=60).get("https://a.test/x")
    assert route.call_count == 1
    assert fake_time.sleeps == []
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 3600
    assert str(caught.value) == (
        "https://a.test/x: HTTP 429 Too Many Requests, Retry-After 3600 s is longer than "
        "the 60 s limit: retry after 2025-03-04 13:00:00 UTC"
    )


def test_retry_after_beyond_the_maximum_leaves_the_host_alone_for_the_run(router, make_client, fake_time) -> None:
    throttled = router.get(url__startswith="https://a.test/").respond(429, headers={"Retry-After": "999999"})
    router.get(url__startswith="https://b.test/").respond(200, text="ok")
    client = make_client(max_retry_after=120)
    now = datetime(2025, 3, 4, 12, 0, 0, tzinfo=timezone.utc)
    with times.frozen(now):
        with pytest.raises(RetryLater) as first:
            client.get("https://a.test/one")
        with pytest.raises(RetryLater) as second:
            client.get("https://a.test/two")
        assert client.get("https://b.test/x").content == b"ok"
    assert first.value.retry_at == second.value.retry_at == now + timedelta(seconds=999999)
    assert first.value.status_code == 429 and second.value.status_code is None
    assert "Retry-After 999999 s is longer than the 120 s limit" in str(first.value)
    assert str(second.value) == (
        "https://a.test/two: not contacted: a.test asked to be left alone until 2025-03-16 01:46:39 UTC (Retry-After)"
    )
    assert throttled.call_count == 1
    assert fake_time.sleeps == []


def test_retry_after_within_the_maximum_is_waited_for(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/x")
    route.side_effect = [httpx.Response(503, headers={"Retry-After": "90"}), httpx.Response(200)]
    assert make_client(max_retry_after=120).get("https://a.test/x").status_code == 200
    assert fake_time.sleeps == [90.0]


def test_host_budget_ends_the_retries_and_the_host_for_the_run(router, make_client, fake_time) -> None:
    failing = router.get(url__startswith="https://a.test/").respond(503)
    router.get(url__startswith="https://b.test/").respond(200)
    client = make_client(host_budget=5, max_retries=10)
    with pytest.raises(HostTimeOver) as spent:
        client.get("https://a.test/one")
    assert str(spent.value) == (
        "https://a.test/one: HTTP 503 Service Unavailable: the time budget for a.test (5 s a run) is spent"
    )
    assert fake_time.now - 1000.0 <= 5.0  # waits that would end past the budget are not begun
    calls = failing.call_count
    with pytest.raises(HostTimeOver, match=r"^https://a\.test/two: not contacted: the time budget for a\.test"):
        client.get("https://a.test/two")
    assert failing.call_count == calls
    assert client.get("https://b.test/x").status_code == 200  # another host's budget is its own


def test_a_host_still_throttling_after_every_retry_is_left_alone(router, make_client, fake_time) -> None:
    throttled = router.get(url__startswith="https://a.test/").respond(429)
    router.get(url__startswith="https://b.test/").respond(200)
    client = make_client(max_retries=2)
    with pytest.raises(FetchError, match=r"^https://a\.test/one: HTTP 429 Too Many Requests after 2 retries$"):
        client.get("https://a.test/one")
    with pytest.raises(HostTimeOver) as caught:
        client.get("https://a.test/two")
    assert caught.value.why == "a.test went on answering HTTP 429 Too Many Requests after 2 retries"
    assert str(caught.value) == f"https://a.test/two: not contacted: {caught.value.why}"
    assert throttled.call_count == 3
    assert client.get("https://b.test/x").status_code == 200


def test_a_rate_limit_slot_past_the_budget_is_not_waited_for(router, make_client, fake_time) -> None:
    router.get(url__startswith="https://a.test/").respond(200)
    client = make_client(min_interval=4.0, host_budget=10)
    for path in ("one", "two", "three"):
        client.get(f"https://a.test/{path}")
    with pytest.raises(HostTimeOver):
        client.get("https://a.test/four")  # its slot would be at 12 s
    assert fake_time.sleeps == [4.0, 4.0]


def test_a_429_on_one_host_does_not_slow_another(router, make_client, fake_time) -> None:
    router.get(url__startswith="https://a.test/").respond(429, headers={"Retry-After": "0"})
    router.get(url__startswith="https://b.test/").respond(200)
    client = make_client(max_retries=2)
    with pytest.raises(FetchError):
        client.get("https://a.test/x")
    slept = list(fake_time.sleeps)
    for n in range(3):
        client.get(f"https://b.test/{n}")
    assert fake_time.sleeps[len(slept):] == [1.0, 1.0]  # b's own interval, never a's 4 s


def test_500_every_time_gives_up_after_max_retries(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/x").respond(500)
    client = make_client(max_retries=3)
    with pytest.raises(FetchError) as caught:
        client.get("https://a.test/x")
    assert route.call_count == 4
    assert str(caught.value) == "https://a.test/x: HTTP 500 Internal Server Error after 3 retries"
    assert caught.value.status_code == 500
    assert len(fake_time.sleeps) == 3
    for slept, base in zip(fake_time.sleeps, [1.0, 2.0, 4.0]):
        assert base <= slept <= base * 1.1
    assert client.stats["retries"] == 3
    assert client.stats["errors"] == 1


def test_backoff_is_capped_by_max_backoff(router, make_client, fake_time) -> None:
    router.get("https://a.test/x").respond(502)
    with pytest.raises(FetchError, match="HTTP 502 Bad Gateway after 4 retries"):
        make_client(max_retries=4, backoff=2.0, max_backoff=5.0).get("https://a.test/x")
    assert len(fake_time.sleeps) == 4
    assert 2.0 <= fake_time.sleeps[0] <= 2.2
    assert 4.0 <= fake_time.sleeps[1] <= 4.4
    assert fake_time.sleeps[2:] == [5.0, 5.0]


def test_404_is_not_retried(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/request/gone").respond(404)
    with pytest.raises(FetchError) as caught:
        make_client().get("https://a.test/request/gone")
    assert route.call_count == 1
    assert caught.value.status_code == 404
    assert str(caught.value) == "https://a.test/request/gone: HTTP 404 Not Found"
    assert fake_time.sleeps == []


def test_timeouts_are_retried_then_reported(router, make_client) -> None:
    route = router.get("https://a.test/x").mock(side_effect=httpx.ConnectTimeout("timed out"))
    with pytest.raises(FetchError) as caught:
        make_client().get("https://a.test/x")
    assert route.call_count == 4
    assert str(caught.value) == "https://a.test/x: timed out after 3 retries"
    assert caught.value.status_code is None


def test_connection_reset_is_retried_then_reported(router, make_client) -> None:
    route = router.get("https://a.test/x").mock(side_effect=httpx.ReadError("Connection reset"))
    with pytest.raises(FetchError, match=r"^https://a\.test/x: connection reset after 2 retries$"):
        make_client(max_retries=2).get("https://a.test/x")
    assert route.call_count == 3


def test_connection_refused_is_retried_then_reported(router, make_client) -> None:
    route = router.get("https://a.test/x").mock(
        side_effect=httpx.ConnectError("[Errno 111] Connection refused")
    )
    with pytest.raises(FetchError) as caught:
        make_client(max_retries=1).get("https://a.test/x")
    assert route.call_count == 2
    assert str(caught.value) == (
        "https://a.test/x: could not connect ([Errno 111] Connection refused) after 1 retry"
    )


def test_a_timeout_then_success_returns_the_page(router, make_client) -> None:
    router.get("https://a.test/x").side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200)]
    client = make_client()
    assert client.get("https://a.test/x").status_code == 200
    assert client.stats["retries"] == 1


def test_truncated_body_is_retried(router, make_client) -> None:
    truncated = CountingStream(chunks=4, size=100, fail_after=2)
    router.get("https://a.test/x").side_effect = [
        httpx.Response(200, stream=truncated),
        httpx.Response(200, content=b"whole page"),
    ]
    assert make_client().get("https://a.test/x").content == b"whole page"
    assert truncated.read == 2


def test_body_truncated_every_time_is_reported(router, make_client) -> None:
    router.get("https://a.test/x").mock(
        side_effect=lambda request: httpx.Response(200, stream=CountingStream(3, 10, fail_after=1))
    )
    with pytest.raises(FetchError) as caught:
        make_client(max_retries=1).get("https://a.test/x")
    assert str(caught.value) == (
        "https://a.test/x: incomplete response (connection closed early) after 1 retry"
    )


# --- conditional GET -------------------------------------------------------------------------


def test_conditional_get_sends_validators_and_handles_304(router, make_client) -> None:
    route = router.get("https://a.test/request/x.json").respond(304, headers={"ETag": '"v1"'})
    client = make_client()
    result = client.get(
        "https://a.test/request/x.json",
        etag='"v1"',
        last_modified="Tue, 04 Mar 2025 12:00:00 GMT",
    )
    request = route.calls.last.request
    assert request.headers["if-none-match"] == '"v1"'
    assert request.headers["if-modified-since"] == "Tue, 04 Mar 2025 12:00:00 GMT"
    assert result.not_modified is True
    assert result.status_code == 304
    assert result.content == b""
    assert client.stats["not_modified"] == 1


def test_unconditional_get_returns_validators_of_the_page(router, make_client) -> None:
    route = router.get("https://a.test/x").respond(
        200,
        content=b"<html></html>",
        headers={
            "ETag": '"abc"',
            "Last-Modified": "Tue, 04 Mar 2025 12:00:00 GMT",
            "Content-Type": "text/html; charset=utf-8",
        },
    )
    result = make_client().get("https://a.test/x")
    assert "if-none-match" not in route.calls.last.request.headers
    assert "if-modified-since" not in route.calls.last.request.headers
    assert (result.etag, result.last_modified) == ('"abc"', "Tue, 04 Mar 2025 12:00:00 GMT")
    assert result.content_type == "text/html; charset=utf-8"
    assert result.not_modified is False
    assert result.url == result.final_url == "https://a.test/x"


# --- size cap --------------------------------------------------------------------------------


def test_content_length_above_cap_is_refused_before_reading(router, make_client) -> None:
    body = CountingStream(chunks=4, size=1024)
    route = router.get("https://a.test/big").mock(
        return_value=httpx.Response(200, headers={"Content-Length": "4096"}, stream=body)
    )
    with pytest.raises(TooLarge) as caught:
        make_client(max_bytes=2048).get("https://a.test/big")
    assert str(caught.value) == (
        "https://a.test/big: page larger than 2 KiB cap (Content-Length 4096)"
    )
    assert body.read == 0
    assert route.call_count == 1


def test_streamed_body_above_cap_is_aborted(router, make_client) -> None:
    body = CountingStream(chunks=1000, size=64 * 1024)
    route = router.get("https://a.test/big").mock(return_value=httpx.Response(200, stream=body))
    with pytest.raises(TooLarge, match=r"^https://a\.test/big: page larger than 1 MiB cap$"):
        make_client(max_bytes=1024 * 1024).get("https://a.test/big")
    assert body.read == 17  # 16 chunks fill the cap, the 17th goes over
    assert route.call_count == 1


def test_default_cap_message_says_20_mib(router, make_client) -> None:
    router.get("https://a.test/big").respond(200, headers={"Content-Length": str(21 * 1024 * 1024)})
    with pytest.raises(TooLarge, match="page larger than 20 MiB cap"):
        make_client().get("https://a.test/big")


def test_body_exactly_at_cap_is_accepted(router, make_client) -> None:
    router.get("https://a.test/x").respond(200, content=b"x" * 2048)
    assert len(make_client(max_bytes=2048).get("https://a.test/x").content) == 2048


# --- bot challenges --------------------------------------------------------------------------


def test_cloudflare_403_challenge_is_blocked_and_not_retried(router, make_client) -> None:
    route = router.get("https://a.test/request/x").respond(
        403,
        content=CLOUDFLARE_CHALLENGE,
        headers={"Server": "cloudflare", "cf-mitigated": "challenge", "Content-Type": "text/html"},
    )
    client = make_client()
    with pytest.raises(BlockedBySite) as caught:
        client.get("https://a.test/request/x")
    assert str(caught.value) == f"https://a.test/request/x: {BLOCKED}"
    assert caught.value.status_code == 403
    assert route.call_count == 1
    assert client.stats["blocked"] == 1


def test_503_just_a_moment_is_blocked_and_not_retried(router, make_client, fake_time) -> None:
    route = router.get("https://a.test/request/x").respond(
        503, content=b"<html><head><title>Just a moment...</title></head><body></body></html>"
    )
    with pytest.raises(BlockedBySite):
        make_client().get("https://a.test/request/x")
    assert route.call_count == 1
    assert fake_time.sleeps == []


def test_challenge_served_with_200_is_blocked(router, make_client) -> None:
    router.get("https://a.test/x").respond(
        200, content=b'<html><body><div id="anubis_challenge"></div></body></html>'
    )
    with pytest.raises(BlockedBySite):
        make_client().get("https://a.test/x")


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        (403, {}, CLOUDFLARE_CHALLENGE),
        (200, {}, CLOUDFLARE_CHALLENGE),
        (503, {"cf-mitigated": "challenge"}, b""),
        (403, {}, b"<title>Attention Required! | Cloudflare</title><p>You have been blocked</p>"),
        (200, {}, b"<html><head><title>Making sure you&#39;re not a bot!</title></head></html>"),
        (200, {}, b'<script src="/.within.website/x/cmd/anubis/static/js/main.mjs"></script>'),
        (405, {}, b"<script>window.gokuProps = {key: 'AQID'};</script>"),
        (202, {"x-amzn-waf-action": "challenge"}, b""),
        (503, {}, b"<html><body><h1>Checking your browser before accessing</h1></body></html>"),
        (429, {}, b'<form><div class="g-recaptcha" data-sitekey="k"></div></form>'),
        (403, {}, b'<iframe src="https://geo.captcha-delivery.com/captcha/?c=x"></iframe>'),
    ],
)
def test_bot_challenges_are_recognised(status: int, headers: dict, body: bytes) -> None:
    assert looks_like_bot_challenge(status, httpx.Headers(headers), body) is True


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b"<p>The council wrote: checking your browser may help. Are you a robot?</p>"),
        (200, b"<html><head><title>Just a moment... - a Freedom of Information request</title>"),
        (503, b"<html><head><title>Service Unavailable</title></head><body>Later</body></html>"),
        (500, b"<p>Please verify you are human</p>"),  # a 500 is an error, not a challenge
        (200, b"<html><body><p>Hello</p>" + CLOUDFLARE_BOT_SCRIPT + b"</html>"),
        (503, b"<html><body><p>Down for maintenance</p>" + CLOUDFLARE_BOT_SCRIPT + b"</html>"),
    ],
)
def test_ordinary_pages_are_not_challenges(status: int, body: bytes) -> None:
    assert looks_like_bot_challenge(status, httpx.Headers({"Server": "cloudflare"}), body) is False


def test_real_wdtk_pages_are_present() -> None:
    assert len(REAL_PAGES) == 10


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("status", [200, 403, 503])
def test_real_wdtk_pages_are_not_challenges(page: Path, status: int) -> None:
    body = page.read_bytes()
    headers = httpx.Headers({"Content-Type": "text/html; charset=utf-8"})
    assert looks_like_bot_challenge(status, headers, body) is False
    with_script = body.replace(b"</body>", CLOUDFLARE_BOT_SCRIPT, 1)
    assert looks_like_bot_challenge(status, headers, with_script) is False


def test_real_wdtk_page_is_fetched_normally(router, make_client) -> None:
    body = REAL_PAGES[0].read_bytes()
    router.get("https://a.test/request/x").respond(200, content=body)
    assert make_client().get("https://a.test/request/x").content == body


# --- robots.txt ------------------------------------------------------------------------------


def serve_site(router: respx.MockRouter, robots: httpx.Response, host: str = "a.test"):
    """Mock robots.txt and every other page of a host; returns (robots route, pages route)."""
    robots_route = router.get(f"https://{host}/robots.txt").mock(return_value=robots)
    pattern = rf"^https://{re.escape(host)}/(?!robots\.txt$).*"
    pages = router.get(url__regex=pattern).respond(200, text="page")
    return robots_route, pages


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/request/some_request", True),
        ("/request/some_request?unfold=1", True),
        ("/feed/body/some_body", False),
        ("/en/feed/list/recent", False),
        ("/search/council", False),
        ("/request/some_request/response/123", False),
        ("/request/some_request/response/123/attach/2/letter.docx", True),
        ("/request/some_request/download", False),
        ("/request/some_request/download.zip", False),
        ("/request/some_request?update_status=1", False),
        ("/files/letter.pdf", False),
        ("/files/letter.pdf?page=2", True),
        ("/body/some_body", True),
    ],
)
def test_robots_wildcard_rules(router, make_client, path: str, allowed: bool) -> None:
    _, pages = serve_site(router, httpx.Response(200, text=ROBOTS_WDTK))
    client = make_client(respect_robots=True)
    url = f"https://a.test{path}"
    if allowed:
        assert client.get(url).content == b"page"
        assert pages.call_count == 1
    else:
        with pytest.raises(DisallowedByRobots) as caught:
            client.get(url)
        assert str(caught.value) == f"{url}: disallowed by robots.txt (https://a.test/robots.txt)"
        assert pages.call_count == 0


def test_robots_group_for_our_product_token_wins_over_star(router, make_client) -> None:
    robots = (
        "User-agent: *\nDisallow: /\n\n"
        "User-agent: foi-tracker\nDisallow: /private/\n\n"
        "User-agent: otherbot\nAllow: /\n"
    )
    serve_site(router, httpx.Response(200, text=robots))
    client = make_client(respect_robots=True)
    assert client.get("https://a.test/request/x").status_code == 200
    with pytest.raises(DisallowedByRobots):
        client.get("https://a.test/private/y")


def test_robots_star_group_applies_when_none_names_us(router, make_client) -> None:
    robots = "User-agent: otherbot\nDisallow:\n\nUser-agent: *\nDisallow: /\n"
    serve_site(router, httpx.Response(200, text=robots))
    with pytest.raises(DisallowedByRobots):
        make_client(respect_robots=True).get("https://a.test/request/x")


def test_robots_404_allows_everything(router, make_client) -> None:
    robots, pages = serve_site(router, httpx.Response(404))
    client = make_client(respect_robots=True)
    assert client.get("https://a.test/feed/body/x").status_code == 200
    assert robots.call_count == 1
    assert pages.call_count == 1


def test_robots_500_disallows_everything_and_is_cached(router, make_client) -> None:
    robots, pages = serve_site(router, httpx.Response(500))
    client = make_client(respect_robots=True, max_retries=1)
    with pytest.raises(DisallowedByRobots) as caught:
        client.get("https://a.test/request/x")
    assert str(caught.value) == (
        "https://a.test/request/x: robots.txt unavailable (HTTP 500 Internal Server Error "
        "after 1 retry): not fetching from this host"
    )
    with pytest.raises(DisallowedByRobots):
        client.get("https://a.test/request/y")
    assert robots.call_count == 2  # the first attempt and its one retry, then cached
    assert pages.call_count == 0


@pytest.mark.parametrize("status", [501, 429])
def test_robots_server_error_or_throttling_disallows(router, make_client, status: int) -> None:
    _, pages = serve_site(router, httpx.Response(status))
    with pytest.raises(DisallowedByRobots, match=rf"robots\.txt unavailable \(HTTP {status} "):
        make_client(respect_robots=True, max_retries=0).get("https://a.test/request/x")
    assert pages.call_count == 0


@pytest.mark.parametrize("status", [401, 403, 410])
def test_robots_client_errors_allow_everything(router, make_client, status: int) -> None:
    _, pages = serve_site(router, httpx.Response(status))
    assert make_client(respect_robots=True).get("https://a.test/feed/x").status_code == 200
    assert pages.call_count == 1


def test_unreachable_robots_disallows_everything(router, make_client) -> None:
    router.get("https://a.test/robots.txt").mock(side_effect=httpx.ConnectTimeout("slow"))
    pages = router.get("https://a.test/request/x").respond(200)
    with pytest.raises(DisallowedByRobots, match=r"robots\.txt unavailable \(timed out\)"):
        make_client(respect_robots=True, max_retries=0).get("https://a.test/request/x")
    assert pages.call_count == 0


def test_robots_challenge_is_reported_as_blocked(router, make_client) -> None:
    serve_site(router, httpx.Response(403, content=CLOUDFLARE_CHALLENGE))
    with pytest.raises(BlockedBySite, match=r"^https://a\.test/request/x: blocked by the site"):
        make_client(respect_robots=True).get("https://a.test/request/x")


def test_robots_fetched_once_per_host_and_rate_limited(router, make_client, fake_time) -> None:
    robots_a, _ = serve_site(router, httpx.Response(200, text=ROBOTS_WDTK), "a.test")
    robots_b, _ = serve_site(router, httpx.Response(200, text=ROBOTS_WDTK), "b.test")
    client = make_client(respect_robots=True)
    client.get("https://a.test/request/one")
    assert fake_time.sleeps == [1.0]  # robots.txt took the host's first slot
    client.get("https://a.test/request/two")
    client.get("https://a.test/body/x")
    client.get("https://b.test/request/one")
    assert robots_a.call_count == 1
    assert robots_b.call_count == 1
    robots_request = robots_a.calls.last.request
    assert robots_request.headers["user-agent"].startswith("foi-tracker/")


def test_api_requests_skip_robots(router, make_client) -> None:
    robots, pages = serve_site(router, httpx.Response(200, text="User-agent: *\nDisallow: /\n"))
    client = make_client(respect_robots=True)
    assert client.get("https://a.test/feed/body/x", api=True).content == b"page"
    assert client.get("https://a.test/request/x.json", api=True).status_code == 200
    assert robots.call_count == 0
    assert pages.call_count == 2
    with pytest.raises(DisallowedByRobots):
        client.get("https://a.test/request/x")


def test_api_requests_are_still_rate_limited(router, make_client, fake_time) -> None:
    route = router.get(url__startswith="https://a.test/").respond(200)
    client = make_client(respect_robots=True)
    client.get("https://a.test/request/x.json", api=True)
    client.get("https://a.test/body/all-authorities.csv", api=True)
    assert fake_time.sleeps == [1.0]
    assert route.calls.last.request.headers["user-agent"].startswith("foi-tracker/")


# --- redirects and hosts ---------------------------------------------------------------------


def test_redirect_within_host_is_followed_and_each_hop_rate_limited(
    router, make_client, fake_time
) -> None:
    router.get("https://a.test/request_event/42").respond(301, headers={"Location": "/request/x"})
    router.get("https://a.test/request/x").respond(200, text="thread")
    client = make_client(allowed_hosts={"a.test"})
    result = client.get("https://a.test/request_event/42")
    assert result.url == "https://a.test/request_event/42"
    assert result.final_url == "https://a.test/request/x"
    assert result.content == b"thread"
    assert fake_time.sleeps == [1.0]
    assert client.stats["redirects"] == 1


def test_redirect_to_a_host_not_allowed_is_offsite(router, make_client) -> None:
    router.get("https://a.test/x").respond(302, headers={"Location": "https://evil.test/y"})
    elsewhere = router.get("https://evil.test/y").respond(200)
    with pytest.raises(OffSite) as caught:
        make_client(allowed_hosts={"a.test"}).get("https://a.test/x")
    assert str(caught.value) == (
        "https://a.test/x: host evil.test is not in the allowed hosts "
        "(after redirect to https://evil.test/y)"
    )
    assert elsewhere.call_count == 0


def test_without_allowed_hosts_redirects_stay_on_hosts_asked_for(router, make_client) -> None:
    router.get("https://a.test/x").respond(302, headers={"Location": "https://b.test/y"})
    router.get("https://b.test/y").respond(200, text="b")
    client = make_client()
    with pytest.raises(OffSite):
        client.get("https://a.test/x")
    client.allow_host("B.test")
    assert client.get("https://a.test/x").content == b"b"
    assert client.allowed_hosts == frozenset({"a.test", "b.test"})


def test_url_on_a_host_not_allowed_is_offsite_without_a_request(router, make_client) -> None:
    route = router.get("https://b.test/x").respond(200)
    message = r"^https://b\.test/x: host b\.test is not in the allowed hosts$"
    with pytest.raises(OffSite, match=message):
        make_client(allowed_hosts={"a.test"}).get("https://b.test/x")
    assert route.call_count == 0


def test_allowed_hosts_keep_the_port(router, make_client) -> None:
    router.get("http://127.0.0.1:8123/x").respond(200)
    client = make_client(allowed_hosts={"127.0.0.1"})
    with pytest.raises(OffSite):
        client.get("http://127.0.0.1:8123/x")
    client.allow_host("127.0.0.1:8123")
    assert client.get("http://127.0.0.1:8123/x").status_code == 200


def test_redirect_hop_is_checked_against_robots(router, make_client) -> None:
    start = router.get("https://a.test/request/x").respond(
        302, headers={"Location": "/request/x/response/9"}
    )
    target = router.get("https://a.test/request/x/response/9").respond(200)
    serve_site(router, httpx.Response(200, text=ROBOTS_WDTK))
    with pytest.raises(DisallowedByRobots) as caught:
        make_client(respect_robots=True).get("https://a.test/request/x")
    assert str(caught.value) == (
        "https://a.test/request/x: disallowed by robots.txt (https://a.test/robots.txt) "
        "(after redirect to https://a.test/request/x/response/9)"
    )
    assert start.call_count == 1
    assert target.call_count == 0


def test_too_many_redirects(router, make_client) -> None:
    router.get("https://a.test/loop").respond(302, headers={"Location": "/loop"})
    message = r"^https://a\.test/loop: too many redirects \(more than 5\)$"
    with pytest.raises(FetchError, match=message):
        make_client().get("https://a.test/loop")


def test_redirect_without_location(router, make_client) -> None:
    router.get("https://a.test/x").respond(302)
    with pytest.raises(FetchError, match="HTTP 302 Found without a Location header") as caught:
        make_client().get("https://a.test/x")
    assert caught.value.status_code == 302


# --- everything raised is a FetchError -------------------------------------------------------


def test_non_http_url_is_a_fetch_error(make_client) -> None:
    with pytest.raises(FetchError, match=r"^ftp://a\.test/x: not an http\(s\) URL"):
        make_client().get("ftp://a.test/x")


@pytest.mark.parametrize(
    "error",
    [httpx.ProxyError("proxy down"), httpx.DecodingError("bad gzip"), httpx.WriteTimeout("slow")],
)
def test_no_raw_httpx_exception_escapes(router, make_client, error: Exception) -> None:
    router.get("https://a.test/x").mock(side_effect=error)
    with pytest.raises(FetchError) as caught:
        make_client(max_retries=0).get("https://a.test/x")
    assert str(caught.value).startswith("https://a.test/x: ")
    assert "\n" not in str(caught.value)


def test_context_manager_closes_the_http_client(router, fake_time) -> None:
    with PoliteClient(sleep=fake_time.sleep, clock=fake_time.clock) as client:
        pass
    assert client._client.is_closed


# --- Retry-After parsing ---------------------------------------------------------------------


def test_parse_retry_after() -> None:
    now = datetime(2025, 3, 4, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Tue, 04 Mar 2025 12:01:30 GMT", now) == 90.0
    assert parse_retry_after("Tue, 04 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# --- connect_to: a host's name, another address ----------------------------------------------


def test_names_under_localhost_are_loopback_and_not_throttled(router, make_client, fake_time) -> None:
    router.get(url__startswith="http://alaveteli.localhost/").respond(200)
    router.get(url__startswith="http://localhost.example.org/").respond(200)
    client = make_client(min_interval=1.0)
    client.get("http://alaveteli.localhost/one")
    client.get("http://alaveteli.localhost/two")
    assert fake_time.sleeps == []
    client.get("http://localhost.example.org/one")
    client.get("http://localhost.example.org/two")
    assert fake_time.sleeps == [1.0]


def test_connect_to_reads_a_named_host_from_another_address() -> None:
    site = SampleSite()
    site.set_route("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    site.set_route("/x", "hello")
    site.set_route("/private", "secret")
    with site, PoliteClient(connect_to={"sample.localhost": site.address}) as client:
        result = client.get("http://sample.localhost/x")
        with pytest.raises(DisallowedByRobots):
            client.get("http://sample.localhost/private")
        assert client.allowed_hosts == {"sample.localhost"}
    assert (result.content, result.url, result.final_url) == (b"hello", "http://sample.localhost/x", "http://sample.localhost/x")
    # robots.txt and the page were asked of the named host, at the site's own address
    assert [(r.path, r.headers["host"]) for r in site.log] == [("/robots.txt", "sample.localhost"), ("/x", "sample.localhost")]
    assert site.address.startswith("127.0.0.1:")


@pytest.mark.parametrize("address", ["127.0.0.1:8080/path", "127.0.0.1:notaport", ""])
def test_connect_to_refuses_what_is_not_an_address(address: str) -> None:
    with pytest.raises(ValueError, match="connect_to address"):
        PoliteClient(connect_to={"sample.localhost": address})


def test_connect_to_is_a_setting_of_the_http_section(tmp_path) -> None:
    site = SampleSite()
    site.set_route("/robots.txt", "", content_type="text/plain")
    site.set_route("/x", "hello")
    with site:
        (tmp_path / "foi-tracker.toml").write_text(f'[http]\nconnect_to = {{ "sample.localhost" = "{site.address}" }}\n')
        config = load_config(tmp_path / "foi-tracker.toml")
        assert config.http.connect_to == {"sample.localhost": site.address}
        with Context(str(tmp_path / "foi.db"), config).client(extra_hosts={"sample.localhost"}) as client:
            assert client.get("http://sample.localhost/x").content == b"hello"
    assert Config().http.connect_to == {}
    (tmp_path / "bad.toml").write_text('[http]\nconnect_to = { "sample.localhost" = 8080 }\n')
    with pytest.raises(ConfigError, match="connect_to"):
        load_config(tmp_path / "bad.toml")
