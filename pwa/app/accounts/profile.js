// The learner's profile: name, language and time zone; and signing out.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { api } from '../core/api.js';
import { Field, LiveMessage, SelectField, Icon } from '../core/components.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';
import { Link } from '../core/router.js';
import { MyDataSection } from '../privacy/my-data.js';

export { DEFAULT_TIME_ZONE };
const FALLBACK_ZONES = [
  'Europe/Amsterdam', 'Europe/Brussels', 'Europe/Berlin', 'Europe/London', 'Europe/Paris',
  'Europe/Madrid', 'Europe/Warsaw', 'Europe/Istanbul', 'America/Paramaribo', 'America/Curacao',
  'America/Aruba', 'America/Kralendijk', 'America/New_York', 'Africa/Casablanca', 'Asia/Jakarta', 'UTC',
];

let zones = null;

/** Every IANA time zone the browser knows, with the learner's own always present. */
export function timeZones(current) {
  if (!zones) {
    try {
      zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : FALLBACK_ZONES;
    } catch {
      zones = FALLBACK_ZONES;
    }
    if (!zones.includes(DEFAULT_TIME_ZONE)) zones = [DEFAULT_TIME_ZONE, ...zones];
  }
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

function zoneLabel(zone) {
  return zone.replace(/_/g, ' ').replace(/\//g, ' / ');
}

function formatDate(iso, locale, timeZone) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'long', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** Whether the address is confirmed, and a new link when it is not (answers go to the
page's own alert and status regions). */
function EmailState({ user, onError, onStatus }) {
  const [busy, setBusy] = useState(false);

  async function resend() {
    if (busy) return;
    setBusy(true);
    onError('');
    onStatus('');
    try {
      const answer = await api.resendVerification();
      onStatus(answer.message);
    } catch (error) {
      onError(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  if (user.email_verified) return html`<p class="badge badge--ok" id="email-state">${t('profile.emailVerified')}</p>`;
  return html`<div>
    <p class="badge badge--todo" id="email-state">${t('profile.emailUnverified')}</p>
    <p class="muted">${t('profile.emailUnverifiedWhy')}</p>
    <button type="button" class="button button--secondary button--block" onClick=${resend} aria-disabled=${busy ? 'true' : undefined}>
      ${busy ? t('profile.resending') : t('profile.resend')}
    </button>
  </div>`;
}

export function ProfileView({ user, onProfile, onSignOut }) {
  const [displayName, setDisplayName] = useState(user.display_name || '');
  const [locale, setLocaleChoice] = useState(user.locale || getLocale());
  const [timeZone, setTimeZone] = useState(user.time_zone || DEFAULT_TIME_ZONE);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const form = useRef(null);

  // Another tab or a fresh /me may change the profile underneath us.
  useEffect(() => {
    setDisplayName(user.display_name || '');
    setLocaleChoice(user.locale || getLocale());
    setTimeZone(user.time_zone || DEFAULT_TIME_ZONE);
  }, [user.display_name, user.locale, user.time_zone]);

  async function save(event) {
    event.preventDefault();
    if (busy) return;
    setSaved('');
    const found = check([['display_name', displayName, 'required']]);
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    const changes = {};
    if (displayName.trim() !== user.display_name) changes.display_name = displayName.trim();
    if (locale !== user.locale) changes.locale = locale;
    if (timeZone !== user.time_zone) changes.time_zone = timeZone;
    setBusy(true);
    setMessage('');
    try {
      const profile = Object.keys(changes).length ? await api.updateMe(changes) : user;
      await onProfile(profile);
      setSaved(t('profile.saved'));
    } catch (error) {
      const fieldErrors = error.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    if (signingOut) return;
    setSigningOut(true);
    setMessage('');
    try {
      await onSignOut();
    } catch (error) {
      setSigningOut(false);
      setMessage(problemMessage(error));
    }
  }

  const languages = [
    { value: 'nl', label: t('lang.nl'), lang: 'nl' },
    { value: 'en', label: t('lang.en'), lang: 'en' },
  ];
  const zoneOptions = timeZones(timeZone).map((zone) => ({ value: zone, label: zoneLabel(zone) }));
  const initial = (user.display_name || user.email || '?').trim().charAt(0).toUpperCase();

  return html`<section aria-labelledby="page-title">
    <div class="profile-head">
      <span class="avatar" aria-hidden="true">${initial}</span>
      <div>
        <h1 id="page-title" tabindex="-1">${t('profile.greeting', { name: user.display_name })}</h1>
        <p class="muted">${t('profile.memberSince', { date: formatDate(user.created_at, getLocale(), user.time_zone || DEFAULT_TIME_ZONE) })}</p>
      </div>
    </div>
    <${LiveMessage} kind="error" id="profile-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="profile-status">${saved}</${LiveMessage}>
    <div class="card">
      <h2>${t('profile.settings')}</h2>
      <form ref=${form} class="form" onSubmit=${save} novalidate>
        <dl class="readonly">
          <dt>${t('profile.email')}</dt>
          <dd>${user.email}</dd>
        </dl>
        <${EmailState} user=${user} onError=${setMessage} onStatus=${setSaved} />
        <${Field} id="display_name" label=${t('profile.displayName')} value=${displayName} onInput=${setDisplayName}
          error=${errors.display_name} autocomplete="name" maxlength="100" required />
        <${SelectField} id="locale" label=${t('profile.language')} value=${locale} onChange=${setLocaleChoice}
          options=${languages} error=${errors.locale} />
        <${SelectField} id="time_zone" label=${t('profile.timeZone')} hint=${t('profile.timeZoneHint')} value=${timeZone}
          onChange=${setTimeZone} options=${zoneOptions} error=${errors.time_zone} />
        <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
          ${busy ? t('profile.saving') : t('profile.save')}
        </button>
      </form>
    </div>
    <div class="card">
      <h2>${t('profile.security')}</h2>
      <ul class="link-list">
        <li><${Link} href="/profile/password">${t('profile.changePassword')}</${Link}></li>
        <li><${Link} href="/profile/devices">${t('profile.devices')}</${Link}></li>
      </ul>
    </div>
    <div class="card">
      <h2>${t('profile.account')}</h2>
      <button type="button" class="button button--secondary button--block" onClick=${signOut} aria-disabled=${signingOut ? 'true' : undefined}>
        <${Icon} name="signout" className="icon icon--small" />
        <span>${signingOut ? t('profile.signingOut') : t('profile.signOut')}</span>
      </button>
    </div>
    <${MyDataSection} user=${user} onErased=${onSignOut} />
  </section>`;
}
