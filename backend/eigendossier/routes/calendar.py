"""The learner's schedule as iCalendar (RFC 5545): one weekly-recurring event per enrolled run,
in the institution's time zone, so any phone calendar shows the lessons at the right hour.

icalendar is imported when a calendar is made, not with the app (a twentieth of the import
time of every process that builds the app, which mostly never makes one)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Event

INSTITUTION_ZONE = ZoneInfo("Europe/Amsterdam")
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def first_session(start: date, weekdays: list[str]) -> date:
    """The first day on or after `start` that falls on one of the run's weekdays."""
    wanted = {WEEKDAY_CODES.index(day) for day in weekdays}
    day = start
    while day.weekday() not in wanted:
        day += timedelta(days=1)
    return day


def _clock(hhmm: str) -> time:
    hours, minutes = map(int, hhmm.split(":"))
    return time(hours, minutes)


def run_event(uid: str, summary: str, run, description: str = "") -> Event:
    from icalendar import Event, vRecur

    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0))
    if run.weekdays:
        day = first_session(run.start_date, run.weekdays)
        event.add("dtstart", datetime.combine(day, _clock(run.starts_at), INSTITUTION_ZONE))
        event.add("dtend", datetime.combine(day, _clock(run.ends_at), INSTITUTION_ZONE))
        last = datetime.combine(run.end_date, time(23, 59, 59), INSTITUTION_ZONE)
        event.add("rrule", vRecur(freq="WEEKLY", byday=[BYDAY[d] for d in run.weekdays],
                                  until=last.astimezone(ZoneInfo("UTC"))))
    else:
        event.add("dtstart", run.start_date)
        event.add("dtend", run.end_date + timedelta(days=1))
    event.add("location", run.address or run.location_kind)
    if description:
        event.add("description", description)
    return event


def schedule_calendar(name: str, events: list[Event]) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Eigen Dossier//Rooster//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
