// The Meldingen tab's API calls, and Web Push on this device: is it possible, what did the
// learner allow, subscribe with the server's key, and keep the server's list in step.
import { request } from '../core/api.js';
import { navigate } from '../core/router.js';

export const notificationsApi = {
  inbox: (unreadOnly = false) => request('GET', `/api/v1/notifications${unreadOnly ? '?unread=true' : ''}`),
  markRead: (id) => request('POST', `/api/v1/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => request('POST', '/api/v1/notifications/read-all'),
  settings: () => request('GET', '/api/v1/notifications/settings'),
  saveSettings: (changes) => request('PUT', '/api/v1/notifications/settings', changes),
  devices: () => request('GET', '/api/v1/push/subscriptions'),
  removeDevice: (id) => request('DELETE', `/api/v1/push/subscriptions/${encodeURIComponent(id)}`),
  publicKey: () => request('GET', '/api/v1/push/key'),
  addDevice: (subscription) => request('POST', '/api/v1/push/subscriptions', subscription),
};

/** "unsupported" | "default" | "granted" | "denied" */
export function pushPermission() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

function keyBytes(base64url) {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function deviceLabel() {
  const ua = navigator.userAgent || '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : '';
  const system = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return [browser, system].filter(Boolean).join(' · ').slice(0, 100);
}

async function registration() {
  return navigator.serviceWorker.ready;
}

/** This device's current push subscription, if any. */
export async function currentSubscription() {
  if (pushPermission() === 'unsupported') return null;
  try {
    return await (await registration()).pushManager.getSubscription();
  } catch {
    return null;
  }
}

/**
 * Ask permission (call only from a click), subscribe with the server's key and register the
 * subscription. Resolves to the server's device; rejects with Error('denied') when the learner
 * says no, Error('unsupported') without Web Push, or the browser's or server's error.
 */
export async function enablePush() {
  if (pushPermission() === 'unsupported') throw new Error('unsupported');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('denied');
  const { public_key: key } = await notificationsApi.publicKey();
  const pushManager = (await registration()).pushManager;
  let subscription = await pushManager.getSubscription();
  const serverKey = subscription && subscription.options && subscription.options.applicationServerKey;
  if (subscription && serverKey && btoa(String.fromCharCode(...new Uint8Array(serverKey))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') !== key) {
    await subscription.unsubscribe(); // made with another server key: the server cannot use it
    subscription = null;
  }
  if (!subscription) {
    subscription = await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  }
  return notificationsApi.addDevice({ ...subscription.toJSON(), label: deviceLabel() });
}

/** Stop push on this device: here, and on the server. */
export async function disablePush(devices) {
  const subscription = await currentSubscription();
  if (!subscription) return;
  const mine = (devices || []).find((device) => device.endpoint === subscription.endpoint);
  if (mine) await notificationsApi.removeDevice(mine.id);
  await subscription.unsubscribe();
}

/** Keep the server's copy of this device's subscription current (keys can change). */
export async function syncPush() {
  if (pushPermission() !== 'granted') return null;
  const subscription = await currentSubscription();
  if (!subscription) return null;
  return notificationsApi.addDevice({ ...subscription.toJSON(), label: deviceLabel() }).catch(() => null);
}

// A click on a notification while the app is open: the service worker asks us to go there.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'OPEN_URL' && typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//')) {
      navigate(data.url);
    }
  });
}
