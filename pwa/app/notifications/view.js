// The Meldingen tab: the inbox (every reminder lands here, push or not), push on this
// device (asked for only on a click), the devices that get push, and when reminders come.
import { html, useEffect, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { navigate } from '../core/router.js';
import { currentSubscription, notificationsApi, pushPermission, syncPush } from './api.js';
import { Devices, EnablePushButton } from './push.js';
import { ReminderSettings } from './settings.js';

function when(iso, timeZone) {
  try {
    return new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', {
      dateStyle: 'medium', timeStyle: 'short', timeZone,
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function Inbox({ inbox, timeZone, onRead, onReadAll, message }) {
  const items = (inbox && inbox.items) || [];
  return html`<section class="card" aria-labelledby="inbox-title">
    <div class="section-head">
      <h2 id="inbox-title">${t('notifications.inbox.heading')}</h2>
      ${inbox && inbox.unread > 0 && html`<button type="button" class="button button--small-secondary" onClick=${onReadAll}>
        ${t('notifications.inbox.readAll')}</button>`}
    </div>
    <${LiveMessage} kind="error" id="inbox-error">${message}</${LiveMessage}>
    ${!inbox && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${inbox && html`<p class="muted" id="inbox-count">${inbox.unread === 0
      ? t('notifications.inbox.allRead')
      : t(inbox.unread === 1 ? 'notifications.inbox.unreadOne' : 'notifications.inbox.unread', { n: inbox.unread })}</p>`}
    ${inbox && items.length === 0 && html`<p class="muted">${t('notifications.inbox.empty')}</p>`}
    ${items.length > 0 && html`<ul class="inbox">
      ${items.map((item) => html`<li class=${item.read ? 'inbox__item' : 'inbox__item inbox__item--unread'}>
        <p class="inbox__meta">
          ${!item.read && html`<span class="badge badge--ok">${t('notifications.inbox.new')}</span> `}
          <time datetime=${item.created_at}>${when(item.created_at, timeZone)}</time>
        </p>
        <h3 class="inbox__title">${item.title}</h3>
        <p>${item.body}</p>
        <div class="inbox__actions">
          <a class="button button--secondary button--compact" href=${item.url}
            onClick=${(event) => { event.preventDefault(); onRead(item, true); }}>${t('notifications.inbox.open')}</a>
          ${!item.read && html`<button type="button" class="button button--small-secondary" onClick=${() => onRead(item, false)}
            aria-label=${t('notifications.inbox.markReadFor', { title: item.title })}>${t('notifications.inbox.markRead')}</button>`}
        </div>
      </li>`)}
    </ul>`}
  </section>`;
}

export function NotificationsView({ user }) {
  const [inbox, setInbox] = useState(null);
  const [devices, setDevices] = useState(null);
  const [thisEndpoint, setThisEndpoint] = useState(null);
  const [message, setMessage] = useState('');
  const [permission, setPermission] = useState(pushPermission());

  async function loadInbox() {
    try {
      setInbox(await notificationsApi.inbox());
      setMessage('');
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  async function loadDevices() {
    await syncPush();
    const subscription = await currentSubscription();
    setThisEndpoint(subscription ? subscription.endpoint : null);
    setPermission(pushPermission());
    setDevices(await notificationsApi.devices().catch(() => []));
  }

  useEffect(() => {
    loadInbox();
    loadDevices();
  }, []);

  async function read(item, open) {
    try {
      if (!item.read) await notificationsApi.markRead(item.id);
    } catch (error) {
      setMessage(problemMessage(error));
      return;
    }
    if (open) navigate(item.url);
    else loadInbox();
  }

  async function readAll() {
    try {
      await notificationsApi.markAllRead();
      loadInbox();
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  const subscribedHere = Boolean(thisEndpoint && devices && devices.some((d) => d.endpoint === thisEndpoint));
  return html`<section aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('notifications.title')}</h1>
    <p class="lead">${t('notifications.intro')}</p>
    <section class="card" aria-labelledby="push-title">
      <h2 id="push-title">${t('notifications.push.heading')}</h2>
      ${subscribedHere
        ? html`<p>${t('notifications.push.onHere')}</p>`
        : html`<p class="muted">${t(permission === 'granted' ? 'notifications.push.offHereAllowed' : 'notifications.push.explain')}</p>
          <${EnablePushButton} onEnabled=${loadDevices} />`}
    </section>
    <${Inbox} inbox=${inbox} timeZone=${user && user.time_zone} onRead=${read} onReadAll=${readAll} message=${message} />
    <${Devices} devices=${devices} thisEndpoint=${thisEndpoint} onChanged=${loadDevices} />
    <${ReminderSettings} />
  </section>`;
}
