// Shared pieces: form fields with linked errors, alerts, the language toggle, the bottom nav.
import { html } from './html.js';
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
 * An always-present live region: screen readers announce what appears in it.
 * kind "error" uses role=alert, anything else role=status.
 */
export function LiveMessage({ kind = 'error', children, id }) {
  const role = kind === 'error' ? 'alert' : 'status';
  const has = Boolean(children);
  return html`<div id=${id} role=${role} class=${has ? `notice notice--${kind}` : 'notice notice--empty'}>
    ${has && html`<${Icon} name=${kind === 'error' ? 'alert' : 'check'} className="icon notice__icon" />`}
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
