"""When a reminder goes out: pure functions over dates, time zones and quiet hours.

A reminder with lead time L for a subject on day D is meant for 09:00 on D - L in the
learner's time zone; inside the learner's quiet hours it moves to their end. It stays due
until the next shorter lead time's moment (or the subject's own moment), so a late tick
still sends it but never sends two reminders for one subject at once. A subject that came to
be after its last reminder's moment (a voucher claimed six days before it expires) still gets
that last reminder once, late: nothing else would tell the learner before it is too late."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEND_AT = time(9, 0)
MODULE_LEAD_DAYS = (7, 1)
VOUCHER_LEAD_DAYS = (90, 30, 7)
QUIET_START, QUIET_END = "21:00", "08:00"


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class QuietHours:
    """From start to end in local time; across midnight when start is later than end."""

    start: time
    end: time

    @classmethod
    def of(cls, start: str, end: str) -> "QuietHours":
        return cls(parse_hhmm(start), parse_hhmm(end))

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def after(self, local: datetime) -> datetime:
        """The same moment if outside quiet hours, else the end of these quiet hours."""
        clock = local.time().replace(tzinfo=None)
        if not self.contains(clock):
            return local
        day = local.date()
        if self.start > self.end and clock >= self.start:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=local.tzinfo)


def as_utc(moment: datetime) -> datetime:
    """An aware moment in UTC, as stored."""
    return moment.astimezone(UTC)


def from_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def send_moment(day: date, zone: ZoneInfo, quiet: QuietHours, at: time = SEND_AT) -> datetime:
    """09:00 local on `day` (moved out of quiet hours), in UTC."""
    return as_utc(quiet.after(datetime.combine(day, at, tzinfo=zone)))


@dataclass(frozen=True)
class Window:
    lead_days: int
    opens: datetime   # UTC: when the reminder is due
    closes: datetime  # UTC: when it is no longer worth sending


def windows(subject_day: date, subject_moment: datetime, leads, zone: ZoneInfo,
            quiet: QuietHours) -> list[Window]:
    """The reminder windows of a subject, longest lead first. `subject_moment` (UTC)
    is when the module starts or the voucher expires; windows never reach past it."""
    moments = sorted(((lead, send_moment(subject_day - timedelta(days=lead), zone, quiet))
                      for lead in set(leads)), key=lambda item: item[1])
    found = []
    for index, (lead, opens) in enumerate(moments):
        closes = moments[index + 1][1] if index + 1 < len(moments) else subject_moment
        closes = min(closes, subject_moment)
        if opens < closes:
            found.append(Window(lead, opens, closes))
    return found


def due_window(subject_day: date, subject_moment: datetime, leads, zone: ZoneInfo,
               quiet: QuietHours, now: datetime, known_since: datetime) -> Window | None:
    """The window open at `now` (UTC), if the learner should hear about it now: not in
    quiet hours, and only for a window that opened after the subject came to be (who enrols
    three days before the start gets the 1-day reminder, not a late 7-day one), unless no
    window opens after that: then the last one goes out late (its key makes it once)."""
    if quiet.contains(from_utc(now, zone).time().replace(tzinfo=None)):
        return None
    found = windows(subject_day, subject_moment, leads, zone, quiet)
    for window in found:
        if not window.opens <= now < window.closes:
            continue
        if known_since <= window.opens or window is found[-1]:
            return window
    return None
