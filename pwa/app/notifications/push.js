// Push on this device: the "Meldingen aanzetten" button (asks the browser only on a click),
// what the browser allows, and the devices that get push, each with a remove button.
import { html, useEffect, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { currentSubscription, disablePush, enablePush, notificationsApi, pushPermission } from './api.js';

function failureMessage(error) {
  if (error && error.message === 'denied') return t('notifications.push.denied');
  if (error && error.message === 'unsupported') return t('notifications.push.unsupported');
  if (error && error.name && error.name !== 'Error' && !error.status) return t('notifications.push.failed');
  return problemMessage(error);
}

/** The button that turns push on; `onEnabled(device)` after the server has the device. */
export function EnablePushButton({ onEnabled, className = 'button button--primary button--block' }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const permission = pushPermission();

  async function enable() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      const device = await enablePush();
      setStatus(t('notifications.push.enabled'));
      if (onEnabled) onEnabled(device);
    } catch (error) {
      setMessage(failureMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="push-enable">
    <${LiveMessage} kind="error" id="push-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="push-status">${status}</${LiveMessage}>
    ${permission === 'unsupported'
      ? html`<p class="muted">${t('notifications.push.unsupported')}</p>`
      : permission === 'denied'
        ? html`<p class="muted">${t('notifications.push.blocked')}</p>`
        : html`<button type="button" class=${className} onClick=${enable} aria-disabled=${busy ? 'true' : undefined}>
            ${busy ? t('notifications.push.enabling') : t('notifications.push.enable')}
          </button>`}
  </div>`;
}

/** Offered after enrolling (unless this device has push already): one click away. */
export function PushOffer() {
  const [done, setDone] = useState(false);
  const [subscribed, setSubscribed] = useState(null);
  useEffect(() => {
    currentSubscription().then((subscription) => setSubscribed(Boolean(subscription)));
  }, []);
  if (pushPermission() === 'unsupported' || pushPermission() === 'denied' || subscribed !== false) return null;
  if (done) return html`<p>${t('notifications.push.enabled')}</p>`;
  return html`<div class="push-offer">
    <p>${t('notifications.push.offer')}</p>
    <${EnablePushButton} className="button button--secondary button--compact" onEnabled=${() => setDone(true)} />
  </div>`;
}

export function Devices({ devices, thisEndpoint, onChanged }) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(null);

  async function remove(device) {
    if (busy) return;
    setBusy(device.id);
    setMessage('');
    try {
      if (device.endpoint === thisEndpoint) await disablePush(devices);
      else await notificationsApi.removeDevice(device.id);
      await onChanged();
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(null);
    }
  }

  return html`<section class="card" aria-labelledby="devices-title">
    <h2 id="devices-title">${t('notifications.devices.heading')}</h2>
    <${LiveMessage} kind="error" id="devices-error">${message}</${LiveMessage}>
    ${devices && devices.length === 0 && html`<p class="muted">${t('notifications.devices.none')}</p>`}
    ${devices && devices.length > 0 && html`<ul class="devices">
      ${devices.map((device) => {
        const name = device.label || t('notifications.devices.unnamed');
        return html`<li class="devices__item">
          <div>
            <p class="devices__name">${name}${device.endpoint === thisEndpoint && html` <span class="badge badge--ok">${t('notifications.devices.this')}</span>`}</p>
            <p class="muted">${device.push_service.replace(/^https?:\/\//, '')}</p>
          </div>
          <button type="button" class="button button--secondary button--compact" onClick=${() => remove(device)}
            aria-label=${t('notifications.devices.removeFor', { name })} aria-disabled=${busy === device.id ? 'true' : undefined}>
            ${t('notifications.devices.remove')}
          </button>
        </li>`;
      })}
    </ul>`}
  </section>`;
}
