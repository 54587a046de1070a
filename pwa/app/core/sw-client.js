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

// The rest of the app is precached once the page has loaded and nothing happened for this
// long (or at once when the learner leaves the page): on a slow connection it must not compete
// with what the first screen still fetches (its data, badge images).
const REST_AFTER_MS = 2000;
let precacheAsked = null;
let restScheduled = false;

function postToWorker(message) {
  navigator.serviceWorker.ready
    .then((registration) => registration.active && registration.active.postMessage(message))
    .catch(() => {});
}

/** Run `fn` once: after the page's load event, REST_AFTER_MS and an idle moment; or as soon as
 * the page is hidden (the learner switched away), whichever comes first. */
function whenPageSettled(fn) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    document.removeEventListener('visibilitychange', hidden);
    fn();
  };
  const hidden = () => {
    if (document.visibilityState === 'hidden') once();
  };
  document.addEventListener('visibilitychange', hidden);
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 0));
  const later = () => setTimeout(() => idle(once, { timeout: REST_AFTER_MS }), REST_AFTER_MS);
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
}

/** Precache the app for a signed-in learner offline (with `staff`, the staff section too):
 * call once the first screen is shown. What the page has loaded is kept at once (from the
 * browser's cache, nothing downloaded); the other screens' modules follow once the page has
 * settled (see whenPageSettled). */
export function precacheApp({ staff = false } = {}) {
  if (!('serviceWorker' in navigator) || precacheAsked === staff || precacheAsked === true) return;
  precacheAsked = staff;
  postToWorker({ type: 'PRECACHE_APP', staff, loadedOnly: true });
  if (restScheduled && !staff) return;
  restScheduled = true;
  whenPageSettled(() => {
    // A mark in the page's timeline (devtools, bench/bench_pwa_load.py): the first screen's
    // own load ends here.
    performance.mark('ed-precache-rest');
    postToWorker({ type: 'PRECACHE_APP', staff: precacheAsked === true });
  });
}

/** Ask the service worker to keep these API answers for offline reading (those it has not). */
export function precacheApi(urls) {
  if (!('serviceWorker' in navigator) || !urls.length) return;
  postToWorker({ type: 'PRECACHE_API', urls });
}
