// A voucher's validity in words ("nog 4 jaar en 7 maanden geldig", days when close), the
// moment it expires in the learner's time zone, and the cancellation rule the API states.
import { t, getLocale } from '../core/i18n.js';
import { isoDate } from '../routes/words.js';

const DAY = 86_400_000;
const DAYS_BELOW_MONTHS = 2; // under two months left: count days

function intlLocale() {
  return getLocale() === 'en' ? 'en-GB' : 'nl-NL';
}

/** The calendar date (y, m, d) of an instant in a time zone. */
function dateIn(instant, timeZone) {
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  }
  const get = (type) => Number(parts.find((part) => part.type === type).value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

function unit(name, n) {
  return t(n === 1 ? `voucher.units.${name}One` : `voucher.units.${name}`, { n });
}

/** The moment the voucher stops being valid, from the server's seconds_left (not the device clock). */
export function expiryOf(voucher, fetchedAt) {
  if (typeof voucher.seconds_left === 'number') return new Date(fetchedAt + voucher.seconds_left * 1000);
  return new Date(voucher.valid_until);
}

/** "Nog 4 jaar en 7 maanden geldig", "Nog 45 dagen geldig", "Alleen vandaag nog geldig". */
export function validityLeft(expiry, timeZone, now = Date.now()) {
  if (expiry.getTime() <= now) return t('voucher.validity.expired');
  const today = dateIn(new Date(now), timeZone);
  const last = dateIn(new Date(expiry.getTime() - 1000), timeZone); // the last valid day
  const days = Math.round((Date.UTC(last.y, last.m - 1, last.d) - Date.UTC(today.y, today.m - 1, today.d)) / DAY);
  const months = (last.y - today.y) * 12 + (last.m - today.m) - (last.d < today.d ? 1 : 0);
  if (days <= 0) return t('voucher.validity.today');
  if (months < DAYS_BELOW_MONTHS) return t('voucher.validity.left', { span: unit('days', days) });
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (years === 0) return t('voucher.validity.left', { span: unit('months', rest) });
  if (rest === 0) return t('voucher.validity.left', { span: unit('years', years) });
  return t('voucher.validity.yearsMonths', { years: unit('years', years), months: unit('months', rest) });
}

/** True when the voucher runs out within two months: the countdown is shown as a warning. */
export function expiresSoon(expiry, now = Date.now()) {
  return expiry.getTime() - now < 61 * DAY;
}

/** "1 juli 2030 om 23:59" in the learner's zone: the last minute the voucher is valid
 * (expiry is valid_until as the server sent it, the first moment it is no longer valid). */
export function formatExpiry(expiry, timeZone) {
  const last = new Date(expiry.getTime() - 60_000);
  const options = { dateStyle: 'long', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(intlLocale(), { ...options, timeZone }).format(last);
  } catch {
    return new Intl.DateTimeFormat(intlLocale(), options).format(last);
  }
}

/** A date-time the server sent, as a date in the learner's zone: "3 maart 2026". */
export function formatMoment(iso, timeZone) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long' }).format(date);
  }
}

/** How many days before the start a redemption can be cancelled, from the last day the API
 * sends (`cancel_until`): the server's rule, never a number of our own. */
export function cancelDaysBefore(startDate, cancelUntil) {
  const start = isoDate(startDate);
  const last = isoDate(cancelUntil);
  if (!start || !last) return null;
  return Math.round((Date.parse(start) - Date.parse(last)) / DAY);
}

/** Today in the catalogue's zone (Amsterdam), where the server counts the days. */
export function todayInAmsterdam(now = Date.now()) {
  const { y, m, d } = dateIn(new Date(now), 'Europe/Amsterdam');
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
