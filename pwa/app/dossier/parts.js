// Pieces shared by the Dossier views: status badge, badge image, dates, a text area field.
import { html } from '../core/html.js';
import { t, getLocale, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { Icon } from '../core/components.js';

export const TRUSTED = new Set(['verified', 'verified_with_warnings']);

/** A date (or date-time) in the learner's language and time zone. */
export function formatDate(iso, timeZone = DEFAULT_TIME_ZONE, withTime = false) {
  if (!iso) return '';
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = withTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' };
  try {
    return new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', { ...options, timeZone }).format(date);
  } catch {
    return iso.slice(0, 10);
  }
}

// Units for an age: [unit, seconds in one, below how many seconds it is used].
const AGE_UNITS = [
  ['minute', 60, 3600],
  ['hour', 3600, 86400],
  ['day', 86400, 30 * 86400],
  ['month', 30 * 86400, 365 * 86400],
  ['year', 365 * 86400, Infinity],
];

/** How long ago a moment was, in the learner's language ("3 dagen geleden"): for checks
 * answered from a copy kept offline (a did:web document, a status list). */
export function formatAge(iso, now = Date.now()) {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 60) return t('dossier.justNow');
  const [unit, size] = AGE_UNITS.find(([, , below]) => seconds < below);
  const format = new Intl.RelativeTimeFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', { numeric: 'always' });
  return format.format(-Math.floor(seconds / size), unit);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1 }).format(value);
}

/** The status in words with an icon: never colour alone. */
function hostOf(url) {
  try {
    return /^https?:\/\//i.test(url || '') ? new URL(url).host : '';
  } catch {
    return '';
  }
}

/** The badge's name; for one whose description could not be fetched, where it lives. */
export function credentialTitle(summary = {}) {
  if (summary.title) return summary.title;
  const host = hostOf(summary.credential_id);
  return host ? t('dossier.untitledAt', { host }) : t('dossier.untitled');
}

/** The issuer's name, else its address; when neither could be fetched, that in words. */
export function issuerName(summary = {}) {
  if (summary.issuer_name || summary.issuer_id) return summary.issuer_name || summary.issuer_id;
  const host = hostOf(summary.credential_id);
  return host ? t('dossier.issuerUnknownAt', { host }) : t('dossier.issuerUnknown');
}

export function StatusBadge({ status }) {
  const kind = TRUSTED.has(status) ? 'ok' : status === 'unverifiable' ? 'unknown' : 'bad';
  return html`<span class=${`status status--${kind}`}>
    <${Icon} name=${kind === 'ok' ? 'check' : 'alert'} className="icon icon--small" />
    <span>${t(`dossier.status.${status}`)}</span>
  </span>`;
}

/** The badge image, or a drawn placeholder; decorative (the title says what it is). */
export function BadgeImage({ credential, size = 'small' }) {
  const src = credential.image_src;
  if (!src) {
    return html`<span class=${`badge-image badge-image--${size} badge-image--none`} aria-hidden="true">
      <${Icon} name="dossier" />
    </span>`;
  }
  return html`<img class=${`badge-image badge-image--${size}`} src=${src} alt="" loading="lazy" decoding="async" />`;
}

function describedBy(id, hint, error) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

/** A labelled <textarea>, with hint and error linked like the shared Field. */
export function TextArea({ id, label, hint, error, value, onInput, rows = 5, ...rest }) {
  return html`<div class=${error ? 'field field--invalid' : 'field'}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="field__hint" id=${`${id}-hint`}>${hint}</p>`}
    <textarea id=${id} name=${id} rows=${rows} value=${value}
      onInput=${(event) => onInput(event.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, error)} ...${rest}></textarea>
    ${error && html`<p class="field__error" id=${`${id}-error`}><${Icon} name="alert" className="icon icon--small" /> <span>${error}</span></p>`}
  </div>`;
}

/** A labelled file input. */
export function FileField({ id, label, hint, error, accept, onChange, inputRef }) {
  return html`<div class=${error ? 'field field--invalid' : 'field'}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="field__hint" id=${`${id}-hint`}>${hint}</p>`}
    <input id=${id} name=${id} type="file" accept=${accept} ref=${inputRef}
      onChange=${(event) => onChange(event.currentTarget.files[0] || null)}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, error)} />
    ${error && html`<p class="field__error" id=${`${id}-error`}><${Icon} name="alert" className="icon icon--small" /> <span>${error}</span></p>`}
  </div>`;
}

/** An indeterminate progress bar with its words, announced politely. */
export function Progress({ label }) {
  return html`<div class="progress" role="status" aria-live="polite">
    ${label && html`<progress class="progress__bar" aria-label=${label}></progress>`}
    ${label && html`<span>${label}</span>`}
  </div>`;
}

export function period(item, timeZone) {
  const start = formatDate(item.start_date, timeZone);
  return item.end_date
    ? t('dossier.experience.period', { start, end: formatDate(item.end_date, timeZone) })
    : t('dossier.experience.since', { start });
}
