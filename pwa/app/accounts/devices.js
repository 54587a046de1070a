// Where the learner is signed in: one entry per browser, with "sign out" per device and
// "sign out everywhere". No addresses: the server keeps none.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { api } from '../core/api.js';
import { LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';

function when(iso, timeZone) {
  try {
    return new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL',
      { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function DevicesView({ user, onSignOut }) {
  const [devices, setDevices] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  const timeZone = user.time_zone || DEFAULT_TIME_ZONE;

  async function load() {
    try {
      setDevices(await api.sessions());
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  useEffect(() => { load(); }, []);

  async function endOne(device) {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await api.endSession(device.id);
      if (device.current) {
        await onSignOut();
        return;
      }
      setStatus(t('devices.ended', { device: device.device }));
      await load();
      if (heading.current) heading.current.focus();
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function endAll() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await api.endAllSessions();
      await onSignOut();
    } catch (error) {
      setBusy(false);
      setMessage(problemMessage(error));
    }
  }

  return html`<section aria-labelledby="page-title">
    <p class="back"><${Link} href="/profile">${t('devices.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('devices.title')}</h1>
    <p class="lead">${t('devices.intro')}</p>
    <${LiveMessage} kind="error" id="devices-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="devices-status">${status}</${LiveMessage}>
    ${!devices && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${devices && html`<div class="card">
      <h2 ref=${heading} tabindex="-1">${t('devices.heading', { count: devices.length })}</h2>
      <ul class="device-list">
        ${devices.map((device) => html`<li class="device">
          <p class="device__name"><strong>${device.device}</strong>${device.current && html` <span class="badge">${t('devices.thisDevice')}</span>`}</p>
          <p class="muted">${t('devices.since', { date: when(device.created_at, timeZone) })}<br />
            ${t('devices.lastSeen', { date: when(device.last_seen_at, timeZone) })}</p>
          <button type="button" class="button button--secondary button--small" onClick=${() => endOne(device)}
            aria-disabled=${busy ? 'true' : undefined}
            aria-label=${device.current ? t('devices.endThis') : t('devices.endOneLabel', { device: device.device })}>
            ${device.current ? t('devices.endThis') : t('devices.endOne')}
          </button>
        </li>`)}
      </ul>
    </div>
    <div class="card">
      <h2>${t('devices.everywhereTitle')}</h2>
      <p>${t('devices.everywhereIntro')}</p>
      <button type="button" class="button button--primary button--block" onClick=${endAll} aria-disabled=${busy ? 'true' : undefined}>
        ${t('devices.everywhere')}
      </button>
    </div>`}
  </section>`;
}
