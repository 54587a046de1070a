/* Eigen Dossier service worker (scope /).
 *
 * - The app shell is precached at install and served cache-first, so the app opens offline
 *   after the first visit. Bump VERSION whenever a file in SHELL changes: the new worker then
 *   waits, the page shows "update available", and its button posts SKIP_WAITING.
 * - Navigations to the app's own routes get the cached shell ("/"). Other navigations
 *   (/auth/..., server pages) go to the network, with the shell as offline fallback.
 * - API GETs (/api/...) are network-first; the last good answer is kept as offline fallback
 *   and marked with the header X-ED-From-Cache: 1. Non-GET requests are never touched.
 * - The page posts CLEAR_API_CACHE on sign-in and sign-out, so no learner's data outlives
 *   their session on this device.
 */
const VERSION = 'v11';
const SHELL_CACHE = `ed-shell-${VERSION}`;
const API_CACHE = 'ed-api-v1';

const SHELL = [
  '/',
  '/manifest.webmanifest',
  '/styles/app.css',
  '/styles/share.css',
  '/app/accounts/change-password.js',
  '/app/accounts/check-mail.js',
  '/app/accounts/devices.js',
  '/app/accounts/forgot-password.js',
  '/app/accounts/profile.js',
  '/app/accounts/reset-password.js',
  '/app/accounts/sign-in.js',
  '/app/accounts/sign-up.js',
  '/app/accounts/verify-email.js',
  '/app/core/api.js',
  '/app/core/components.js',
  '/app/core/forms.js',
  '/app/core/html.js',
  '/app/core/i18n.js',
  '/app/core/icons.js',
  '/app/core/router.js',
  '/app/core/sw-client.js',
  '/app/dossier/add.js',
  '/app/dossier/api.js',
  '/app/dossier/detail.js',
  '/app/dossier/experience.js',
  '/app/dossier/parts.js',
  '/app/dossier/view.js',
  '/app/notifications/api.js',
  '/app/notifications/push.js',
  '/app/notifications/settings.js',
  '/app/notifications/view.js',
  '/app/privacy/my-data.js',
  '/app/routes/api.js',
  '/app/routes/plan.js',
  '/app/routes/prefs.js',
  '/app/routes/ui.js',
  '/app/routes/view.js',
  '/app/routes/words.js',
  '/app/schedule/carousel.js',
  '/app/schedule/view.js',
  '/app/sharing/api.js',
  '/app/sharing/list.js',
  '/app/sharing/new.js',
  '/app/sharing/parts.js',
  '/app/shell/features.js',
  '/app/shell/main.js',
  '/app/shell/not-found.js',
  '/app/vouchers/api.js',
  '/app/vouchers/code.js',
  '/app/vouchers/detail.js',
  '/app/vouchers/runs.js',
  '/app/vouchers/scan.js',
  '/app/vouchers/view.js',
  '/app/vouchers/words.js',
  '/vendor/hooks.module.js',
  '/vendor/htm.module.js',
  '/vendor/preact.module.js',
  '/i18n/en.json',
  '/i18n/nl.json',
  '/icons/favicon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
];
const SHELL_PATHS = new Set(SHELL);

// Client-side routes of the app: answered with the cached shell. Later features add theirs.
const APP_ROUTES = ['/sign-in', '/sign-up', '/profile', '/dossier', '/route', '/rooster', '/vouchers', '/meldingen'];

function isAppRoute(path) {
  return path === '/' || APP_ROUTES.some((route) => path === route || path.startsWith(`${route}/`));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith('ed-') && name !== SHELL_CACHE && name !== API_CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (type === 'CLEAR_API_CACHE') {
    const reply = event.ports && event.ports[0];
    event.waitUntil(
      caches.delete(API_CACHE).then(() => {
        if (reply) reply.postMessage({ type: 'API_CACHE_CLEARED' });
      }),
    );
  }
});

async function shellFirst(key, request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
  return response;
}

async function networkThenShell(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match('/', { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

function markFromCache(response) {
  const headers = new Headers(response.headers);
  headers.set('X-ED-From-Cache', '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function apiNetworkFirst(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    } else if ([401, 403, 404, 410].includes(response.status)) {
      await cache.delete(request, { ignoreVary: true });
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return markFromCache(cached);
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith('/api/')) {
    event.respondWith(apiNetworkFirst(request));
    return;
  }
  if (request.mode === 'navigate') {
    if (isAppRoute(url.pathname)) {
      event.respondWith(shellFirst('/', request));
    } else if (!url.pathname.startsWith('/auth/')) {
      event.respondWith(networkThenShell(request));
    }
    return;
  }
  if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(shellFirst(url.pathname, request));
  }
});

// Web Push: show the reminder (payload: title, body, url, tag). The tag is the inbox entry's:
// a message the server had to send again replaces the one already shown, without a second buzz.
function appPath(url) {
  try {
    const target = new URL(url || '/meldingen', self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search : '/meldingen';
  } catch {
    return '/meldingen';
  }
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'Eigen Dossier', {
      body: data.body || '',
      tag: data.tag || undefined,
      renotify: false,
      icon: '/icons/icon-192.png',
      badge: '/icons/favicon-32.png',
      data: { url: appPath(data.url) },
    }),
  );
});

// A click opens the reminder's view: in an open window of the app if there is one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = appPath(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        open.postMessage({ type: 'OPEN_URL', url: path });
        return;
      }
      await self.clients.openWindow(path);
    })(),
  );
});
