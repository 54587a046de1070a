/* Eigen Dossier service worker (scope /).
 *
 * - BUILD is written by the server as it serves this file (backend/eigendossier/web/assets.py):
 *   the version, and the content-hashed URL of every app file, split into `boot` (the shell and
 *   the screens before sign-in, precached at install), `app` (the other modules, precached when
 *   the page says a learner signed in), `staff` (the staff section, precached too when the
 *   one signed in is staff) and `rest` (other languages, install icons: kept once used). A
 *   changed file changes the version: the new worker then waits, the page shows "update
 *   available", and its button posts SKIP_WAITING.
 * - Precaching takes files from the HTTP cache, where the page has just loaded them (hashed
 *   URLs are immutable there), and copies unchanged files from the last version's cache: only
 *   what is new comes from the network. After sign-in the page asks twice (PRECACHE_APP): with
 *   `loadedOnly` once its first screen is shown (what the page loaded, no download), and
 *   without it once the page has loaded and been idle a while, so the rest of the app does not
 *   compete with the first screen on a slow connection.
 * - Navigations to the app's own routes get the cached shell ("/"). Other navigations
 *   (/auth/..., server pages) go to the network, with the shell as offline fallback.
 * - API GETs (/api/...) are network-first; the last good answer is kept as offline fallback
 *   and marked with the header X-ED-From-Cache: 1. Non-GET requests are never touched.
 * - The page posts CLEAR_API_CACHE on sign-in and sign-out, so no learner's data outlives
 *   their session on this device, and PRECACHE_API with the dossier's badge details, so a
 *   detail not opened before still reads offline.
 * - A share page (/s/<token>) opened offline says so, instead of the app's "page not found".
 */
const BUILD = { version: 'dev', shell: '', boot: ['/'], app: [], rest: [], staff: [] };
const SHELL_CACHE = `ed-shell-${BUILD.version}`;
const API_CACHE = 'ed-api-v1';
const ASSETS = new Set([...BUILD.boot, ...BUILD.app, ...BUILD.rest, ...BUILD.staff]);

// Client-side routes of the app: answered with the cached shell. Later features add theirs.
const APP_ROUTES = ['/sign-in', '/sign-up', '/profile', '/dossier', '/route', '/rooster', '/vouchers', '/meldingen', '/staff'];

function isAppRoute(path) {
  return path === '/' || APP_ROUTES.some((route) => path === route || path.startsWith(`${route}/`));
}

/** Put `urls` in this version's cache: from an earlier version's cache when the file did not
 * change (same hashed URL), else through the HTTP cache (no reload: hashed files never change).
 * With `loadedOnly`, only what the HTTP cache has: nothing is downloaded. */
async function precache(urls, { loadedOnly = false } = {}) {
  const cache = await caches.open(SHELL_CACHE);
  const missing = [];
  await Promise.all(
    urls.map(async (url) => {
      if (await cache.match(url)) return;
      if (url === '/') {
        await cache.put('/', await fetchShell());
        return;
      }
      const earlier = await caches.match(url);
      if (earlier) await cache.put(url, earlier);
      else missing.push(url);
    }),
  );
  if (!loadedOnly) {
    await cache.addAll(missing);
    return;
  }
  await Promise.all(
    missing.map(async (url) => {
      const kept = await fetch(url, { cache: 'only-if-cached', mode: 'same-origin' }).catch(() => null);
      if (kept && kept.ok) await cache.put(url, kept);
    }),
  );
}

/** The shell ("/") of this version: the copy the page has just loaded when it is this one
 * (its ETag names the version's shell), else asked for again. */
async function fetchShell() {
  const kept = await fetch('/', { cache: 'force-cache' });
  if (kept.ok && (kept.headers.get('ETag') || '').includes(BUILD.shell)) return kept;
  const fresh = await fetch('/', { cache: 'no-cache' });
  if (!fresh.ok) throw new Error(`shell: HTTP ${fresh.status}`);
  return fresh;
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache(BUILD.boot));
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

// Bumped when cached API answers are dropped: a precache still under way then keeps nothing.
let apiGeneration = 0;
const MAX_PRECACHED_ANSWERS = 200;

/** Keep the answers of these API URLs that are not kept yet, one request at a time. */
async function precacheApi(urls) {
  const generation = apiGeneration;
  const cache = await caches.open(API_CACHE);
  const own = urls.filter((url) => typeof url === 'string' && url.startsWith('/api/')).slice(0, MAX_PRECACHED_ANSWERS);
  for (const url of own) {
    if (generation !== apiGeneration) return;
    if (await cache.match(url, { ignoreVary: true })) continue;
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.ok && generation === apiGeneration) await cache.put(url, response);
  }
}

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (type === 'PRECACHE_APP') {
    const urls = event.data.staff ? [...BUILD.app, ...BUILD.staff] : BUILD.app;
    event.waitUntil(precache(urls, { loadedOnly: Boolean(event.data.loadedOnly) }).catch(() => {}));
  } else if (type === 'PRECACHE_API') {
    event.waitUntil(precacheApi(event.data.urls || []).catch(() => {}));
  } else if (type === 'CLEAR_API_CACHE') {
    apiGeneration += 1;
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

const OFFLINE_SHARE = {
  nl: ['Geen internetverbinding', 'Deze gedeelde pagina komt van de server van Eigen Dossier en is alleen met internet te openen. Probeer het opnieuw zodra je weer verbinding hebt.', 'Opnieuw proberen'],
  en: ['No internet connection', 'This shared page comes from the Eigen Dossier server and opens only with an internet connection. Try again once you are back online.', 'Try again'],
};

/** A share page asked for offline: say that, in the browser's language and then the other
 * one (whoever opens it, the learner or an employer, may read either; no script needed). */
function offlineSharePage(url) {
  const first = String(self.navigator.language || 'nl').toLowerCase().startsWith('en') ? 'en' : 'nl';
  const second = first === 'en' ? 'nl' : 'en';
  const part = (lang, level) => {
    const [title, text, again] = OFFLINE_SHARE[lang];
    return `<section lang="${lang}"><h${level}>${title}</h${level}><p>${text}</p>
<p><a href="${url.pathname}">${again}</a></p></section>`;
  };
  const body = `<!doctype html><html lang="${first}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${OFFLINE_SHARE[first][0]}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1b2a2f;margin:0}main{max-width:36rem;margin:0 auto;padding:2rem 1rem}
h1,h2{font-size:1.4rem;color:#06343d}section+section{border-top:1px solid #d6e4e7;margin-top:1.5rem}
a{display:inline-block;min-height:44px;line-height:44px;color:#0b5d6b}</style></head>
<body><main>${part(first, 1)}${part(second, 2)}</main></body></html>`;
  return new Response(body, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
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
    } else if (url.pathname.startsWith('/s/')) {
      event.respondWith(fetch(request).catch(() => offlineSharePage(url)));
    } else if (!url.pathname.startsWith('/auth/')) {
      event.respondWith(networkThenShell(request));
    }
    return;
  }
  if (ASSETS.has(url.pathname)) {
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
