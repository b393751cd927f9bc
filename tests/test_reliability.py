"""Never lose a message: a fault run against the misbehaving sample site (small size for CI;
bench/bench_reliability.py runs 5,000 fetches)."""

from __future__ import annotations

from bench.faults import KINDS
from bench.runs import crash_run, fault_run


def test_fault_run_stores_every_message_exactly_once_and_records_every_failure():
    result = fault_run(600, rate=0.2, seed=7)
    assert result.fetches >= 600
    assert set(result.faults_served) >= set(KINDS) - {"other_markup"}  # every kind of fault was served
    assert result.missing == [] and result.unexpected == []
    assert result.stored_messages == result.truth_messages == 176
    assert result.hidden_ok  # hidden later by the site: kept, with hidden_at
    assert result.equal_to_clean_run
    recorded = result.errors_recorded
    for category in ("bot challenge", "too large", "invalid UTF-8", "truncated page"):
        assert recorded[category] >= 1, category
    assert recorded["bot challenge"] == result.faults_served["challenge"]
    assert recorded["too large"] == result.faults_served["huge"]


def test_crash_run_poller_killed_mid_save_loses_and_duplicates_nothing():
    result = crash_run(6, copies=3, seed=3, changing=0.05)
    assert result.kills == 6
    assert set(result.integrity) == {"ok"} and len(result.integrity) == 7
    assert result.half_saved == []  # one transaction per thread: whole or absent after every kill
    assert result.duplicates == 0
    assert result.equal_to_uninterrupted
    assert result.threads == 153 and result.messages > 528  # new replies arrived between kills
    assert sum(saved < 153 for saved in result.saved_at_kills) >= 3  # most kills struck with work still to do
