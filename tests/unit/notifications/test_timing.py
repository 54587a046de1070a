"""09:00 in the learner's zone, quiet hours, and which window is open, across DST changes."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from eigendossier.notifications.timing import QuietHours, due_window, send_moment, windows

AMS = ZoneInfo("Europe/Amsterdam")
DEFAULT_QUIET = QuietHours.of("21:00", "08:00")
NONE = QuietHours.of("00:00", "00:00")


@pytest.mark.parametrize(("day", "utc_hour"), [
    (date(2027, 3, 22), 8),   # Monday before the spring change: CET, UTC+1
    (date(2027, 3, 29), 7),   # Monday after it (28 March): CEST, UTC+2
    (date(2027, 10, 25), 7),  # Monday before the autumn change (31 October): CEST
    (date(2027, 11, 1), 8),   # Monday after it: CET
    (date(2027, 3, 28), 7),   # the changing Sunday itself: 09:00 is already summer time
])
def test_nine_oclock_amsterdam_in_utc(day, utc_hour):
    assert send_moment(day, AMS, DEFAULT_QUIET) == datetime.combine(day, time(utc_hour), tzinfo=UTC)


def test_nine_oclock_elsewhere():
    assert send_moment(date(2027, 3, 29), ZoneInfo("America/New_York"), NONE) == \
        datetime(2027, 3, 29, 13, 0, tzinfo=UTC)
    assert send_moment(date(2027, 3, 29), ZoneInfo("Asia/Tokyo"), NONE) == \
        datetime(2027, 3, 29, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("start", "end", "clock", "inside"), [
    ("21:00", "08:00", "20:59", False), ("21:00", "08:00", "21:00", True),
    ("21:00", "08:00", "03:00", True), ("21:00", "08:00", "08:00", False),
    ("12:00", "14:00", "13:00", True), ("12:00", "14:00", "14:00", False),
    ("00:00", "00:00", "03:00", False),
])
def test_quiet_hours_contain(start, end, clock, inside):
    assert QuietHours.of(start, end).contains(time.fromisoformat(clock)) is inside


def test_quiet_hours_move_to_their_end():
    late = datetime(2027, 3, 27, 23, 0, tzinfo=AMS)
    assert DEFAULT_QUIET.after(late) == datetime(2027, 3, 28, 8, 0, tzinfo=AMS)
    early = datetime(2027, 3, 28, 6, 0, tzinfo=AMS)
    assert DEFAULT_QUIET.after(early) == datetime(2027, 3, 28, 8, 0, tzinfo=AMS)
    assert DEFAULT_QUIET.after(datetime(2027, 3, 28, 9, 0, tzinfo=AMS)).hour == 9
    morning = QuietHours.of("07:00", "10:30")
    assert send_moment(date(2027, 3, 29), AMS, morning) == datetime(2027, 3, 29, 8, 30, tzinfo=UTC)


START = date(2027, 3, 30)
STARTS = datetime(2027, 3, 30, 16, 30, tzinfo=UTC)  # 18:30 CEST


def test_windows_follow_each_other_and_end_at_the_start():
    found = windows(START, STARTS, (1, 7), AMS, DEFAULT_QUIET)
    assert [(w.lead_days, w.opens, w.closes) for w in found] == [
        (7, datetime(2027, 3, 23, 8, 0, tzinfo=UTC), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),
        (1, datetime(2027, 3, 29, 7, 0, tzinfo=UTC), STARTS),
    ]


def test_a_window_that_would_open_after_the_start_is_dropped():
    assert windows(START, datetime(2027, 3, 30, 6, 0, tzinfo=UTC), (0,), AMS, NONE) == []
    assert [w.lead_days for w in windows(START, STARTS, (0,), AMS, NONE)] == [0]


@pytest.mark.parametrize(("now", "lead"), [
    (datetime(2027, 3, 23, 7, 59, tzinfo=UTC), None),
    (datetime(2027, 3, 23, 8, 0, tzinfo=UTC), 7),
    (datetime(2027, 3, 26, 12, 0, tzinfo=UTC), 7),
    (datetime(2027, 3, 26, 22, 0, tzinfo=UTC), None),  # 23:00 local: quiet
    (datetime(2027, 3, 29, 7, 0, tzinfo=UTC), 1),
    (datetime(2027, 3, 30, 16, 30, tzinfo=UTC), None),  # the module has started
])
def test_the_open_window(now, lead):
    long_ago = datetime(2027, 1, 1, tzinfo=UTC)
    window = due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, now, long_ago)
    assert (window.lead_days if window else None) == lead


def test_no_late_reminder_for_what_came_after_its_moment():
    enrolled = datetime(2027, 3, 25, 12, 0, tzinfo=UTC)
    hour_later = datetime(2027, 3, 25, 13, 0, tzinfo=UTC)
    assert due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, hour_later, enrolled) is None
    day_before = datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    window = due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, day_before, enrolled)
    assert window.lead_days == 1


def test_what_came_after_the_last_moment_still_hears_it_once_late():
    enrolled = datetime(2027, 3, 29, 12, 0, tzinfo=UTC)  # after the 1-day moment
    window = due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, enrolled, enrolled)
    assert window.lead_days == 1
    evening = datetime(2027, 3, 29, 20, 0, tzinfo=UTC)  # 22:00 local: quiet, so not now
    assert due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, evening, enrolled) is None
    assert due_window(START, STARTS, (7, 1), AMS, DEFAULT_QUIET, STARTS, enrolled) is None
