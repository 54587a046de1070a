// Sign in with email and password, or with an OIDC provider such as eduID.
import { html, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';

export function SignInView({ meta, onSignedIn, flash }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  const providers = (meta && meta.oidc_providers) || [];

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const found = check([
      ['email', email, 'required', 'email'],
      ['password', password, 'required'],
    ]);
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const profile = await api.signIn(email.trim(), password);
      await onSignedIn(profile);
    } catch (error) {
      setBusy(false);
      const fieldErrors = error.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('signin.title')}</h1>
    <p class="lead">${t('signin.intro')}</p>
    <${LiveMessage} kind="status">${flash}</${LiveMessage}>
    <${LiveMessage} kind="error" id="signin-error">${message}</${LiveMessage}>
    <form ref=${form} class="form" onSubmit=${submit} novalidate>
      <${Field} id="email" type="email" label=${t('signin.email')} value=${email} onInput=${setEmail}
        error=${errors.email} autocomplete="username" inputmode="email" autocapitalize="none" spellcheck="false" required />
      <${Field} id="password" type="password" label=${t('signin.password')} value=${password} onInput=${setPassword}
        error=${errors.password} autocomplete="current-password" required />
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('signin.busy') : t('signin.submit')}
      </button>
    </form>
    ${providers.length > 0 && html`<div class="providers">
      <p class="divider"><span>${t('signin.or')}</span></p>
      <ul class="providers__list">
        ${providers.map((provider) => html`<li>
          <a class="button button--secondary button--block" href=${provider.login_url}>${t('signin.withProvider', { provider: provider.label })}</a>
        </li>`)}
      </ul>
    </div>`}
    <p class="switch"><${Link} href="/forgot-password">${t('signin.forgot')}</${Link}></p>
    <p class="switch">${t('signin.noAccount')} <${Link} href="/sign-up">${t('signin.toSignup')}</${Link}></p>
  </section>`;
}
