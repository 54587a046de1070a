// Shared pieces: form fields with linked errors, alerts, the language toggle, the bottom nav,
// and the small line icons (24x24, stroke = currentColor) of the navigation and buttons.
import { html, useEffect, useRef, useState } from './html.js';
import { t, getLocale } from './i18n.js';
import { Link } from './router.js';

const PATHS = {
  profile: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 20c0-3.3 3.6-6 8-6s8 2.7 8 6'],
  dossier: ['M4 6h16v13H4z', 'M9 6V4h6v2', 'M8 11h8', 'M8 15h5'],
  route: ['M6 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4z', 'M18 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z', 'M6 15V9a4 4 0 0 1 4-4h6', 'M18 9v6a4 4 0 0 1-4 4H8'],
  rooster: ['M4 6h16v14H4z', 'M4 10h16', 'M8 3v5', 'M16 3v5'],
  vouchers: ['M3 8a2 2 0 0 0 0 4v4h18v-4a2 2 0 0 1 0-4V4H3z', 'M14 4v12'],
  meldingen: ['M6 16V11a6 6 0 1 1 12 0v5l2 2H4z', 'M10 20a2 2 0 0 0 4 0'],
  school: ['M3 10l9-5 9 5-9 5z', 'M7 12.5V17c0 1.5 2.2 3 5 3s5-1.5 5-3v-4.5', 'M21 10v5'],
  signout: ['M10 5H5v14h5', 'M14 8l4 4-4 4', 'M18 12H9'],
  globe: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M3 12h18', 'M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z'],
  alert: ['M12 3l9.5 17h-19z', 'M12 10v4', 'M12 17v.5'],
  check: ['M5 12l4 4 10-10'],
  more: ['M4 7h16', 'M4 12h16', 'M4 17h16'],
  info: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 11v6', 'M12 7.5v.5'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1', 'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  cloudOff: ['M3 3l18 18', 'M7 18h10a4 4 0 0 0 1.5-7.7A6 6 0 0 0 8.6 7.2', 'M5.6 9.6A4.5 4.5 0 0 0 7 18'],
};

export function Icon({ name, className = 'icon' }) {
  return html`<svg class=${className} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    ${(PATHS[name] || []).map((d) => html`<path d=${d} />`)}
  </svg>`;
}

function describedBy(id, hint, error) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

function FieldFrame({ id, label, hint, error, children }) {
  return html`<div class=${error ? 'field field--invalid' : 'field'}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="field__hint" id=${`${id}-hint`}>${hint}</p>`}
    ${children}
    ${error && html`<p class="field__error" id=${`${id}-error`}><${Icon} name="alert" className="icon icon--small" /> <span>${error}</span></p>`}
  </div>`;
}

/** A labelled <input>; hint and error are linked with aria-describedby. */
export function Field({ id, label, hint, error, value, onInput, type = 'text', ...rest }) {
  return html`<${FieldFrame} id=${id} label=${label} hint=${hint} error=${error}>
    <input
      id=${id}
      name=${id}
      type=${type}
      value=${value}
      onInput=${(event) => onInput(event.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, error)}
      ...${rest}
    />
  </${FieldFrame}>`;
}

/** A labelled <select> with options [{value, label}]. */
export function SelectField({ id, label, hint, error, value, onChange, options, ...rest }) {
  return html`<${FieldFrame} id=${id} label=${label} hint=${hint} error=${error}>
    <select
      id=${id}
      name=${id}
      value=${value}
      onChange=${(event) => onChange(event.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy(id, hint, error)}
      ...${rest}
    >
      ${options.map((option) => html`<option value=${option.value} lang=${option.lang}>${option.label}</option>`)}
    </select>
  </${FieldFrame}>`;
}

/**
 * Focus a message the learner cannot see (it appeared above or below the screen, e.g. at the
 * top of a long form whose button is at the bottom): it is scrolled to and read out. A
 * message in view is left alone, and so is a form field that has the focus (the view put
 * the learner there, e.g. on the field to correct); with `fromFields`, only a field with an
 * error keeps it (the learner pressed Enter in a field and the answer is the message).
 */
export function revealMessage(element, { fromFields = false } = {}) {
  if (!element) return;
  const active = document.activeElement;
  const kept = fromFields ? '[aria-invalid="true"]' : 'input, select, textarea, [aria-invalid="true"]';
  if (active && active.matches && active.matches(kept)) return;
  const box = element.getBoundingClientRect();
  const tabbar = document.querySelector('.tabbar');
  const bottom = tabbar ? tabbar.getBoundingClientRect().top : window.innerHeight;
  if (box.top >= 0 && box.bottom <= bottom) return;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: 'center' });
}

/**
 * An always-present live region: screen readers announce what appears in it.
 * kind "error" uses role=alert, anything else role=status. A new message off-screen is
 * brought into view (revealMessage; `fromFields` is passed on).
 */
// kind: 'error' (role=alert), 'status' (done, green) or 'info' (neither: a neutral status
// such as "no route fits", with the way forward in its text).
const NOTICE_ICONS = { error: 'alert', status: 'check', info: 'info' };

export function LiveMessage({ kind = 'error', children, id, fromFields = false }) {
  const role = kind === 'error' ? 'alert' : 'status';
  const has = Boolean(children);
  const region = useRef(null);
  const shown = useRef('');
  useEffect(() => {
    const text = has && region.current ? region.current.textContent : '';
    if (text && text !== shown.current) revealMessage(region.current, { fromFields });
    shown.current = text;
  });
  return html`<div id=${id} ref=${region} role=${role} tabindex="-1" class=${has ? `notice notice--${kind}` : 'notice notice--empty'}>
    ${has && html`<${Icon} name=${NOTICE_ICONS[kind] || 'check'} className="icon notice__icon" />`}
    ${has && html`<div class="notice__body">${children}</div>`}
  </div>`;
}

/** The one-button language switch on pages for signed-out visitors. */
export function LanguageToggle({ onSwitch }) {
  const other = getLocale() === 'nl' ? 'en' : 'nl';
  return html`<button type="button" class="lang-toggle" lang=${other} aria-label=${t('lang.switchToLabel')} onClick=${() => onSwitch(other)}>
    <${Icon} name="globe" className="icon icon--small" />
    <span>${t('lang.switchTo')}</span>
  </button>`;
}

// At most this many items in the bottom bar: six labels do not fit a 320 px phone (each gets
// 53 px; "Vouchers" alone is 57 px), so from six tabs on the last ones go under "Meer".
const BAR_ITEMS = 5;

function isCurrentTab(tab, path) {
  return path === tab.path || path.startsWith(`${tab.path}/`);
}

function TabLink({ tab, path, className }) {
  return html`<${Link} href=${tab.path} class=${className} aria-current=${isCurrentTab(tab, path) ? 'page' : undefined}>
    <${Icon} name=${tab.icon} />
    <span>${t(tab.label)}</span>
  </${Link}>`;
}

/** "Meer": a disclosure button with the tabs that do not fit the bar; Escape or a click
 * elsewhere closes it, and a chosen tab closes it too. */
function MoreTabs({ tabs, path }) {
  const [open, setOpen] = useState(false);
  const item = useRef(null);
  const button = useRef(null);
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      if (button.current) button.current.focus();
    };
    const onClick = (event) => {
      if (item.current && !item.current.contains(event.target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);
  const current = tabs.some((tab) => isCurrentTab(tab, path));
  return html`<li class="tabbar__more" ref=${item}>
    <button type="button" ref=${button} class=${current ? 'tabbar__link tabbar__link--current' : 'tabbar__link'}
      aria-expanded=${open ? 'true' : 'false'} aria-controls="tabbar-more" onClick=${() => setOpen(!open)}>
      <${Icon} name="more" />
      <span>${t('nav.more')}</span>
    </button>
    <ul id="tabbar-more" class="tabbar__menu" hidden=${!open}>
      ${tabs.map((tab) => html`<li><${TabLink} tab=${tab} path=${path} className="tabbar__menulink" /></li>`)}
    </ul>
  </li>`;
}

export function BottomNav({ tabs, path }) {
  const crowded = tabs.length > BAR_ITEMS;
  const direct = crowded ? tabs.slice(0, BAR_ITEMS - 1) : tabs;
  const more = crowded ? tabs.slice(BAR_ITEMS - 1) : [];
  return html`<nav class="tabbar" aria-label=${t('nav.label')}>
    <ul class=${`tabbar__list tabbar__list--${direct.length + (crowded ? 1 : 0)}`}>
      ${direct.map((tab) => html`<li><${TabLink} tab=${tab} path=${path} className="tabbar__link" /></li>`)}
      ${crowded && html`<${MoreTabs} tabs=${more} path=${path} />`}
    </ul>
  </nav>`;
}

export function Banner({ kind, icon, children }) {
  return html`<div class=${`banner banner--${kind}`} role="status">
    <${Icon} name=${icon} className="icon banner__icon" />
    <div class="banner__body">${children}</div>
  </div>`;
}

// Views by their loader: the module being loaded, and the view once it is there.
const viewModules = new Map();
const loadedViews = new Map();

/** Start loading a view's module (once; again after a failure, e.g. offline). */
export function loadView(load) {
  if (!viewModules.has(load)) {
    const loading = load().then((component) => {
      loadedViews.set(load, component);
      return component;
    });
    loading.catch(() => viewModules.delete(load));
    viewModules.set(load, loading);
  }
  return viewModules.get(load);
}

/** A screen (or a part of one) whose module is loaded on first use; calls onShown once it is on
 * the page, and hands it on to the view, for the parts it loads on first use in turn. */
export function LazyView({ load, onShown, ...props }) {
  const [, setLoaded] = useState(0);
  const [failed, setFailed] = useState(null);
  const View = loadedViews.get(load);
  useEffect(() => {
    if (View) return undefined;
    let current = true;
    loadView(load)
      .then(() => current && setLoaded((count) => count + 1))
      .catch(() => current && setFailed(() => load)); // a function given to a setter is an updater
    return () => {
      current = false;
    };
  }, [load]);
  useEffect(() => {
    if (View && onShown) onShown();
  });
  if (View) return html`<${View} ...${props} onShown=${onShown} />`;
  if (failed === load) return html`<p class="notice notice--error" role="alert">${t('app.viewFailed')}</p>`;
  return html`<p class="loading" role="status">${t('app.loading')}</p>`;
}
