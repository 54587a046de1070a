// The page's side of the service worker: registration, the "update available" prompt,
// and dropping cached API answers on sign-out.
import { useEffect, useState } from './html.js';

let waiting = null;
const listeners = new Set();
let reloading = false;
let updateRequested = false;

function setWaiting(worker) {
  waiting = worker;
  listeners.forEach((fn) => fn(worker));
}

function watch(registration) {
  if (registration.waiting && navigator.serviceWorker.controller) setWaiting(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener('statechange', () => {
      // "installed" with a controller present means: a new version waits for its turn.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) setWaiting(worker);
    });
  });
}

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only the update button reloads; the first install's clients.claim() must not.
    if (!updateRequested || reloading) return;
    reloading = true;
    window.location.reload();
  });
  navigator.serviceWorker
    .register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then((registration) => {
      watch(registration);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') registration.update().catch(() => {});
      });
    })
    .catch(() => {
      // No service worker (e.g. a private window): the app still works online.
    });
}

/** The waiting worker, if a new version is ready. */
export function useWaitingWorker() {
  const [worker, setWorker] = useState(waiting);
  useEffect(() => {
    listeners.add(setWorker);
    return () => listeners.delete(setWorker);
  }, []);
  return worker;
}

export function applyUpdate(worker) {
  updateRequested = true;
  worker.postMessage({ type: 'SKIP_WAITING' });
}

/** Ask the service worker to forget cached API answers; resolves when done (or after 2 s). */
export function clearApiCache() {
  const controller = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!controller) return Promise.resolve();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(resolve, 2000);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve();
    };
    controller.postMessage({ type: 'CLEAR_API_CACHE' }, [channel.port2]);
  });
}

/** Ask the service worker to precache the rest of the app, for a signed-in learner offline
 * (with `staff`, the staff section too). */
export function precacheApp({ staff = false } = {}) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage({ type: 'PRECACHE_APP', staff }))
    .catch(() => {});
}

/** Ask the service worker to keep these API answers for offline reading (those it has not). */
export function precacheApi(urls) {
  if (!('serviceWorker' in navigator) || !urls.length) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage({ type: 'PRECACHE_API', urls }))
    .catch(() => {});
}
