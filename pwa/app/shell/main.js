// The app shell: boot (strings, meta, who is signed in), routing, header, banners, bottom nav.
import { html, render, useEffect, useRef, useState } from '../core/html.js';
import { t, setLocale, storedLocale, getLocale, onLocaleChange, SUPPORTED, fileUrl } from '../core/i18n.js';
import { api, ApiError, onCacheState } from '../core/api.js';
import { navigate, useRoute } from '../core/router.js';
import { isStaff, tabsFor, FEATURE_TABS, PROFILE_TAB, SIGNED_IN_ROUTES, LINK_ROUTES, NOT_FOUND } from './features.js';
import { Banner, BottomNav, LanguageToggle, LazyView, loadView } from '../core/components.js';
import { registerServiceWorker, useWaitingWorker, applyUpdate, clearApiCache, precacheApp } from '../core/sw-client.js';

const DEFAULT_META = { features: [], oidc_providers: [], version: '' };
// Each screen is loaded when it is first shown. The screens before sign-in share one module,
// precached when the app is installed (one request, not four); the rest are in features.js.
const ANONYMOUS_ROUTES = {
  '/sign-in': { load: () => import('../accounts/welcome.js').then((module) => module.SignInView), title: 'signin.title' },
  '/sign-up': { load: () => import('../accounts/welcome.js').then((module) => module.SignUpView), title: 'signup.title' },
  '/forgot-password': {
    load: () => import('../accounts/welcome.js').then((module) => module.ForgotPasswordView),
    title: 'forgot.title',
  },
};
// The app's logo, by its content-hashed URL (the import map knows it).
const LOGO = fileUrl('/icons/icon-192.png');

/** The view the path most likely shows, loaded while the app asks who is signed in ("/"
 * leads to sign-in for a visitor; for a learner that module is precached anyway). */
function preloadViewFor(path) {
  const tab = [...FEATURE_TABS, PROFILE_TAB].find((item) => path === item.path || path.startsWith(`${item.path}/`));
  const home = path === '/' || path === '' ? ANONYMOUS_ROUTES['/sign-in'] : null;
  const route = home || ANONYMOUS_ROUTES[path] || LINK_ROUTES[path] || SIGNED_IN_ROUTES[path] || tab;
  if (route) loadView(route.load).catch(() => {});
}

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

async function applyProfileLocale(profile) {
  if (profile && SUPPORTED.includes(profile.locale) && profile.locale !== getLocale()) {
    await setLocale(profile.locale);
  }
}

/** Decide what a path shows: a view, or a redirect. */
function resolve(path, user, tabs) {
  const home = user ? tabs[0].path : '/sign-in';
  if (path === '/' || path === '') return { redirect: home };
  if (ANONYMOUS_ROUTES[path]) return user ? { redirect: home } : ANONYMOUS_ROUTES[path];
  if (LINK_ROUTES[path]) return LINK_ROUTES[path];
  if (SIGNED_IN_ROUTES[path]) return user ? SIGNED_IN_ROUTES[path] : { redirect: '/sign-in' };
  const tab = tabs.find((item) => path === item.path || path.startsWith(`${item.path}/`));
  if (tab) return user ? { load: tab.load, title: tab.title || tab.label } : { redirect: '/sign-in' };
  return NOT_FOUND;
}

function App() {
  const path = useRoute();
  const [, setLocaleState] = useState(getLocale());
  const [ready, setReady] = useState(false);
  const [meta, setMeta] = useState(DEFAULT_META);
  const [user, setUser] = useState(null);
  const [flash, setFlash] = useState('');
  const [fromCache, setFromCache] = useState(false);
  const online = useOnline();
  const waitingWorker = useWaitingWorker();
  const focusedPath = useRef(null);

  useEffect(() => onLocaleChange(setLocaleState), []);
  useEffect(() => onCacheState(setFromCache), []);

  useEffect(() => {
    (async () => {
      const [metaResult, meResult] = await (firstAnswers || Promise.allSettled([api.meta(), api.me()]));
      firstAnswers = null;
      if (metaResult.status === 'fulfilled' && metaResult.value) setMeta({ ...DEFAULT_META, ...metaResult.value });
      if (meResult.status === 'fulfilled' && meResult.value) {
        await applyProfileLocale(meResult.value).catch(() => {});
        setUser(meResult.value);
      }
      setReady(true);
    })();
  }, []);

  // "You have signed out" belongs to the sign-in page it was shown on.
  useEffect(() => {
    if (path !== '/sign-in') setFlash('');
  }, [path]);

  const tabs = tabsFor(meta, user);
  const route = ready ? resolve(path, user, tabs) : {};

  useEffect(() => {
    if (route.redirect) navigate(route.redirect, { replace: true });
  }, [route.redirect]);

  // Title, and focus on the new page's heading when the learner moves between pages (once the
  // page's module is loaded and the heading is there).
  // A part of a page loaded on first use (a sub-page of the dossier) calls this again once
  // it is there.
  function pageShown() {
    // A signed-in learner gets the whole app precached, for use offline: what this screen
    // loaded at once, the rest once the page has settled.
    if (user) precacheApp({ staff: isStaff(user) });
    if (focusedPath.current !== null && focusedPath.current !== location.pathname) {
      const heading = document.getElementById('page-title');
      if (!heading) return; // its part of the page is still loading
      heading.focus();
    }
    focusedPath.current = location.pathname;
  }

  useEffect(() => {
    if (!ready || route.redirect) return;
    document.title = route.title ? `${t(route.title)}${t('app.titleSeparator')}${t('app.name')}` : t('app.name');
  });


  async function signedIn(profile) {
    await clearApiCache();
    // What the app needs to start offline, fetched again into this learner's fresh cache.
    Promise.allSettled([api.meta(), api.me()]);
    await applyProfileLocale(profile).catch(() => {});
    setFlash('');
    setUser(profile);
    navigate(tabsFor(meta, profile)[0].path, { replace: true });
  }

  async function profileChanged(profile) {
    await applyProfileLocale(profile);
    setUser(profile);
  }

  async function signOut() {
    try {
      await api.signOut();
    } catch (error) {
      // Already signed out on the server (session expired): carry on locally.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    await clearApiCache();
    setUser(null);
    setFlash('signin.signedOut');
    navigate('/sign-in', { replace: true });
  }

  function skipToMain(event) {
    event.preventDefault();
    document.getElementById('main').focus();
  }

  // Until the app knows who is signed in it shows nothing but a status for screen readers:
  // the frame differs signed in and out, and drawing a guess moved the page when it changed.
  if (!ready) return html`<p class="visually-hidden" role="status">${t('app.loading')}</p>`;

  return html`
    <a class="skip-link" href="#main" onClick=${skipToMain}>${t('app.skip')}</a>
    <header class=${user ? 'topbar' : 'topbar topbar--hero'}>
      <div class="topbar__inner">
        <span class="brand">
          <img class="brand__logo" src=${LOGO} alt="" width="32" height="32" />
          <span class="brand__name">${t('app.name')}</span>
        </span>
        ${!user && html`<${LanguageToggle} onSwitch=${(locale) => setLocale(locale)} />`}
      </div>
      ${!user && html`<p class="topbar__tagline">${t('app.tagline')}</p>`}
    </header>
    ${waitingWorker && html`<${Banner} kind="update" icon="check">
      <span>${t('app.updateAvailable')}</span>
      <button type="button" class="button button--small" onClick=${() => applyUpdate(waitingWorker)}>${t('app.updateNow')}</button>
    </${Banner}>`}
    ${(!online || fromCache) && html`<${Banner} kind="offline" icon="cloudOff"><span>${t('app.offline')}</span></${Banner}>`}
    <main id="main" tabindex="-1" class=${user ? `main main--with-tabs${path.startsWith('/staff') ? ' main--wide' : ''}` : 'main main--anon'}>
      ${route.load && html`<${LazyView}
        load=${route.load}
        onShown=${pageShown}
        meta=${meta}
        user=${user}
        flash=${flash && t(flash)}
        onSignedIn=${signedIn}
        onProfile=${profileChanged}
        onSignOut=${signOut}
      />`}
    </main>
    ${user && html`<${BottomNav} tabs=${tabs} path=${path} />`}
  `;
}

// What the app asks first, asked while the strings load (one round trip instead of two).
let firstAnswers = null;

async function main() {
  firstAnswers = Promise.allSettled([api.meta(), api.me()]);
  preloadViewFor(location.pathname);
  try {
    await setLocale(storedLocale());
  } catch {
    // Strings could not be loaded (offline on a first visit): keys show instead.
  }
  render(html`<${App} />`, document.getElementById('app'));
  registerServiceWorker();
}

main();
