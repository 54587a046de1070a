// The app shell: boot (strings, meta, who is signed in), routing, header, banners, bottom nav.
import { html, render, useEffect, useRef, useState } from '../core/html.js';
import { t, setLocale, storedLocale, getLocale, onLocaleChange, SUPPORTED } from '../core/i18n.js';
import { api, ApiError, onCacheState } from '../core/api.js';
import { navigate, useRoute } from '../core/router.js';
import { tabsFor } from './features.js';
import { SignInView } from '../accounts/sign-in.js';
import { SignUpView } from '../accounts/sign-up.js';
import { ForgotPasswordView } from '../accounts/forgot-password.js';
import { ResetPasswordView } from '../accounts/reset-password.js';
import { VerifyEmailView } from '../accounts/verify-email.js';
import { ChangePasswordView } from '../accounts/change-password.js';
import { DevicesView } from '../accounts/devices.js';
import { NotFoundView } from './not-found.js';
import { Banner, BottomNav, LanguageToggle } from '../core/components.js';
import { registerServiceWorker, useWaitingWorker, applyUpdate, clearApiCache } from '../core/sw-client.js';

const DEFAULT_META = { features: [], oidc_providers: [], version: '' };
const ANONYMOUS_ROUTES = {
  '/sign-in': { view: SignInView, title: 'signin.title' },
  '/sign-up': { view: SignUpView, title: 'signup.title' },
  '/forgot-password': { view: ForgotPasswordView, title: 'forgot.title' },
};
// The links in mails: they work signed in or not (a mail is often read on another device).
const LINK_ROUTES = {
  '/verify-email': { view: VerifyEmailView, title: 'verify.title' },
  '/reset-password': { view: ResetPasswordView, title: 'reset.title' },
};
// Pages under a tab that are not the tab's own view.
const SIGNED_IN_ROUTES = {
  '/profile/password': { view: ChangePasswordView, title: 'password.title' },
  '/profile/devices': { view: DevicesView, title: 'devices.title' },
};

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
  if (tab) return user ? { view: tab.view, title: tab.title || tab.label } : { redirect: '/sign-in' };
  return { view: NotFoundView, title: 'notFound.title' };
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
      const [metaResult, meResult] = await Promise.allSettled([api.meta(), api.me()]);
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

  const tabs = tabsFor(meta);
  const route = ready ? resolve(path, user, tabs) : {};

  useEffect(() => {
    if (route.redirect) navigate(route.redirect, { replace: true });
  }, [route.redirect]);

  // Title, and focus on the new page's heading when the learner moves between pages.
  useEffect(() => {
    if (!ready || route.redirect) return;
    document.title = route.title ? `${t(route.title)}${t('app.titleSeparator')}${t('app.name')}` : t('app.name');
    if (focusedPath.current !== null && focusedPath.current !== path) {
      const heading = document.getElementById('page-title');
      if (heading) heading.focus();
    }
    focusedPath.current = path;
  });

  async function signedIn(profile) {
    await clearApiCache();
    // What the app needs to start offline, fetched again into this learner's fresh cache.
    Promise.allSettled([api.meta(), api.me()]);
    await applyProfileLocale(profile).catch(() => {});
    setFlash('');
    setUser(profile);
    navigate(tabsFor(meta)[0].path, { replace: true });
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

  const View = route.view;
  return html`
    <a class="skip-link" href="#main" onClick=${skipToMain}>${t('app.skip')}</a>
    <header class=${user ? 'topbar' : 'topbar topbar--hero'}>
      <div class="topbar__inner">
        <span class="brand">
          <img class="brand__logo" src="/icons/icon-192.png" alt="" width="32" height="32" />
          <span class="brand__name">${t('app.name')}</span>
        </span>
        ${ready && !user && html`<${LanguageToggle} onSwitch=${(locale) => setLocale(locale)} />`}
      </div>
      ${!user && html`<p class="topbar__tagline">${t('app.tagline')}</p>`}
    </header>
    ${waitingWorker && html`<${Banner} kind="update" icon="check">
      <span>${t('app.updateAvailable')}</span>
      <button type="button" class="button button--small" onClick=${() => applyUpdate(waitingWorker)}>${t('app.updateNow')}</button>
    </${Banner}>`}
    ${(!online || fromCache) && html`<${Banner} kind="offline" icon="cloudOff"><span>${t('app.offline')}</span></${Banner}>`}
    <main id="main" tabindex="-1" class=${user ? 'main main--with-tabs' : 'main main--anon'}>
      ${!ready && html`<p class="loading" role="status">${t('app.loading')}</p>`}
      ${View && html`<${View}
        meta=${meta}
        user=${user}
        flash=${flash && t(flash)}
        onSignedIn=${signedIn}
        onProfile=${profileChanged}
        onSignOut=${signOut}
      />`}
    </main>
    ${ready && user && html`<${BottomNav} tabs=${tabs} path=${path} />`}
  `;
}

async function main() {
  try {
    await setLocale(storedLocale());
  } catch {
    // Strings could not be loaded (offline on a first visit): keys show instead.
  }
  render(html`<${App} />`, document.getElementById('app'));
  registerServiceWorker();
}

main();
