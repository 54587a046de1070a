// Plain words for the planner's machine reasons ({code, ...params}), and the dates, times and
// run details of the Route and Rooster tabs, in the UI language.
import { t, getLocale } from '../core/i18n.js';

export const CATALOG_TIME_ZONE = 'Europe/Amsterdam';
export const TIMES_OF_DAY = ['daytime', 'evening', 'weekend'];
export const LOCATIONS = ['school', 'company', 'community_centre', 'home'];
export const LEARNING_FORMS = ['physical', 'digital', 'self_study', 'practical'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function intlLocale() {
  return getLocale() === 'en' ? 'en-GB' : 'nl-NL';
}

/** A calendar date "2099-01-05" (or an HTTP date the server sent for one) as a Date at UTC midnight. */
function toDate(value) {
  if (!value) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  const date = iso ? new Date(Date.UTC(+iso[1], +iso[2] - 1, +iso[3])) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2099-01-05" as YYYY-MM-DD; also accepts an HTTP date. */
export function isoDate(value) {
  const date = toDate(value);
  return date ? date.toISOString().slice(0, 10) : '';
}

export function todayIso() {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())).toISOString().slice(0, 10);
}

export function formatDate(value, style = 'long') {
  const date = toDate(value);
  if (!date) return value || '';
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: style, timeZone: 'UTC' }).format(date);
}

export function formatDateRange(start, end) {
  const from = toDate(start);
  const to = toDate(end);
  if (!from || !to) return `${formatDate(start, 'medium')} – ${formatDate(end, 'medium')}`;
  const format = new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeZone: 'UTC' });
  return typeof format.formatRange === 'function' ? format.formatRange(from, to) : `${format.format(from)} – ${format.format(to)}`;
}

export function formatNumber(value) {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 }).format(value);
}

/** "a, b of c" (disjunction: any of them will do). */
export function orList(items) {
  if (items.length < 2) return items.join('');
  try {
    return new Intl.ListFormat(intlLocale(), { type: 'disjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

export function andList(items) {
  if (items.length < 2) return items.join('');
  try {
    return new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** The short name of a weekday key such as "tue", in the UI language. */
export function weekdayName(key) {
  const index = WEEKDAYS.indexOf(key);
  if (index < 0) return key;
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, 1 + index));
  return new Intl.DateTimeFormat(intlLocale(), { weekday: 'short', timeZone: 'UTC' }).format(date).replace(/\.$/, '');
}

/** Label of an option value (checkboxes, badges): "’s Avonds", "Thuis (online)". */
export function valueLabel(value) {
  return t(`route.labels.${value}`);
}

/** The value inside a sentence: "’s avonds", "thuis (online)". */
export function valueWord(value) {
  return t(`route.words.${value}`);
}

/** The name of a preference inside a sentence: "lestijd", "uren per week". */
export function preferenceWord(name) {
  return t(`route.preferenceWords.${name}`);
}

function blockName(code, blocks) {
  const block = blocks && blocks[code];
  return block ? `${code} ${block.name}` : code;
}

// -- times and zones ------------------------------------------------------------------------

function zoneOffset(instant, zone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type) => Number(parts.find((part) => part.type === type).value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
}

/** The instant of a wall-clock date and time in a zone (e.g. 18:30 in Amsterdam on a date). */
export function zonedInstant(date, time, zone = CATALOG_TIME_ZONE) {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(date || '');
  const clock = /^(\d{1,2}):(\d{2})/.exec(time || '');
  if (!day || !clock) return null;
  const wall = Date.UTC(+day[1], +day[2] - 1, +day[3], +clock[1], +clock[2]);
  try {
    let instant = wall - zoneOffset(wall, zone);
    instant = wall - zoneOffset(instant, zone);
    return new Date(instant);
  } catch {
    return null;
  }
}

/** "19:30" of an Amsterdam wall-clock time on a date, seen in another zone; null when equal or unknown. */
export function timeElsewhere(date, time, toZone, fromZone = CATALOG_TIME_ZONE) {
  if (!toZone || toZone === fromZone) return null;
  const instant = zonedInstant(date, time, fromZone);
  if (!instant) return null;
  try {
    const there = new Intl.DateTimeFormat(intlLocale(), { timeZone: toZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
    return there === time ? null : there;
  } catch {
    return null;
  }
}

// -- a run in words -------------------------------------------------------------------------

/** "’s avonds, di en do 18:30–21:30" */
export function runWhen(run) {
  const parts = [valueWord(run.time_of_day)];
  const days = (run.weekdays || []).map(weekdayName);
  const times = run.starts_at && run.ends_at ? `${run.starts_at}–${run.ends_at}` : '';
  const detail = [days.length ? andList(days) : '', times].filter(Boolean).join(' ');
  return detail ? `${parts[0]}, ${detail}` : parts[0];
}

/** "op school, Bouwlaan 12" */
export function runWhere(run) {
  return [valueWord(run.location_kind), run.address].filter(Boolean).join(', ');
}

// -- reasons, causes, relaxations --------------------------------------------------------------

function wantedWords(values) {
  return orList((values || []).map(valueWord));
}

function limitWords(preference, limit) {
  return t(Number(limit) === 1 ? `route.limitsOne.${preference}` : `route.limits.${preference}`, { limit: formatNumber(limit) });
}

/** "meer dan 8 uur per week" */
function overWords(preference, limit) {
  return t(Number(limit) === 1 ? `route.overOne.${preference}` : `route.over.${preference}`, { limit: formatNumber(limit) });
}

/** Why the planner chose this run for this block, in plain words. */
export function phraseReason(reason, blocks) {
  const p = reason || {};
  switch (p.code) {
    case 'earliest_feasible':
      return t('route.reasons.earliest_feasible');
    case 'prerequisite':
      return t('route.reasons.prerequisite', { after: blockName(p.after, blocks), date: formatDate(p.after_end) });
    case 'pace_limit':
      return t('route.reasons.pace_limit', { limit: limitWords(p.preference, p.limit) });
    case 'keeps_soft_preferences':
      return t('route.reasons.keeps_soft_preferences');
    case 'soft_preference_violated':
      return phraseViolation(p, blocks);
    default:
      return t('route.reasons.unknown');
  }
}

/** A soft preference this plan does not keep (per block for run-level preferences). */
export function phraseViolation(p, blocks) {
  const prefix = p.block ? `${blockName(p.block, blocks)}: ` : '';
  if (p.limit !== undefined && p.limit !== null && !p.wanted) {
    return prefix + t('route.reasons.pace_exceeded', { limit: overWords(p.preference, p.limit) });
  }
  return prefix + t('route.reasons.soft_preference_violated', {
    got: valueWord(p.got), wanted: wantedWords(p.wanted), preference: preferenceWord(p.preference),
  });
}

/** Why no route exists: a block and the constraint that rules it out. */
export function phraseCause(cause, blocks) {
  const p = cause || {};
  const block = blockName(p.block, blocks);
  switch (p.code) {
    case 'no_runs_offered':
    case 'no_seats_left':
      return t(`route.causes.${p.code}`, { block });
    case 'no_run_after_start_date':
      return t('route.causes.no_run_after_start_date', { block, date: formatDate(p.start_date) });
    case 'no_run_within_horizon':
      return t('route.causes.no_run_within_horizon', { block, first: formatDate(p.first_end), date: formatDate(p.horizon_end) });
    case 'hard_preference_excludes_all_runs':
      return t('route.causes.hard_preference_excludes_all_runs', {
        block, preference: preferenceWord(p.preference), offered: orList((p.offered || []).map(valueWord)), wanted: wantedWords(p.wanted),
      });
    case 'hard_preferences_exclude_all_runs':
      return t('route.causes.hard_preferences_exclude_all_runs', { block, preferences: andList((p.preferences || []).map(preferenceWord)) });
    case 'pace_does_not_fit':
      return t('route.causes.pace_does_not_fit', {
        limits: andList(Object.entries(p.limits || {}).filter(([, v]) => v != null).map(([name, v]) => limitWords(name, v))),
        date: formatDate(p.horizon_end),
      });
    case 'prerequisites_do_not_fit':
      return t('route.causes.prerequisites_do_not_fit', {
        block, after: blockName(p.after, blocks), afterEnd: formatDate(p.after_end), date: formatDate(p.horizon_end),
      });
    default:
      return t('route.causes.unknown', { block });
  }
}

/** What a relaxation changes: "ook ’s avonds", "later klaar mag (tot 11 april 2099)". */
export function phraseChange(change, causes = [], preferences = {}) {
  const p = change || {};
  switch (p.code) {
    case 'make_soft': {
      const name = p.preference;
      if (['time_of_day', 'location', 'learning_form'].includes(name)) {
        const offered = new Set();
        causes.filter((c) => c.code === 'hard_preference_excludes_all_runs' && c.preference === name)
          .forEach((c) => (c.offered || []).forEach((value) => offered.add(value)));
        const wanted = new Set(preferenceValues(preferences, name));
        const extra = [...offered].filter((value) => !wanted.has(value));
        if (extra.length) return t('route.changes.also', { values: orList(extra.map(valueWord)) });
        return t(`route.changes.make_soft.${name}`);
      }
      const limit = name === 'max_parallel' ? preferences.max_parallel : preferences.max_hours_per_week;
      return t('route.changes.pace_soft', { limit: overWords(name, limit ?? '?') });
    }
    case 'extend_horizon':
      return t('route.changes.extend_horizon', { date: formatDate(p.horizon_end) });
    case 'relax_all':
      return t('route.changes.relax_all', { date: formatDate(p.horizon_end) });
    default:
      return t('route.changes.unknown');
  }
}

export function preferenceValues(preferences, name) {
  return {
    time_of_day: preferences.times_of_day,
    location: preferences.locations,
    learning_form: preferences.learning_forms,
  }[name] || [];
}

/** The effect of a relaxation: "klaar op 14 maart 2099". */
export function phraseEffect(effect, finish) {
  const date = (effect && effect.finish) || finish;
  return date ? t('route.effect.finish', { date: formatDate(date) }) : t('route.effect.found');
}

/** An alternative's trade: "later klaar (12 dagen), past beter bij je voorkeuren". */
export function phraseTrade(trade) {
  const days = (trade && trade.days_later) || 0;
  return days === 1 ? t('route.trade.oneDay') : t('route.trade.days', { days });
}
