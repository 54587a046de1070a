// Shared pieces: form fields with linked errors, alerts, the language toggle, the bottom nav.
import { html, useEffect, useRef } from './html.js';
import { t, getLocale } from './i18n.js';
import { Icon } from './icons.js';
import { Link } from './router.js';

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

export function BottomNav({ tabs, path }) {
  return html`<nav class="tabbar" aria-label=${t('nav.label')}>
    <ul class=${`tabbar__list tabbar__list--${tabs.length}`}>
      ${tabs.map((tab) => {
        const current = path === tab.path || path.startsWith(`${tab.path}/`);
        return html`<li>
          <${Link} href=${tab.path} class="tabbar__link" aria-current=${current ? 'page' : undefined}>
            <${Icon} name=${tab.icon} />
            <span>${t(tab.label)}</span>
          </${Link}>
        </li>`;
      })}
    </ul>
  </nav>`;
}

export function Banner({ kind, icon, children }) {
  return html`<div class=${`banner banner--${kind}`} role="status">
    <${Icon} name=${icon} className="icon banner__icon" />
    <div class="banner__body">${children}</div>
  </div>`;
}
