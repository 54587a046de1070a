// The link from a reset mail: choose a new password. Every device is signed out; this one is
// signed in again.
import { html, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api, takeLinkToken } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';

export function ResetPasswordView({ onSignedIn }) {
  const [token] = useState(takeLinkToken);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(token ? '' : t('reset.noToken'));
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  async function submit(event) {
    event.preventDefault();
    if (busy || !token) return;
    const found = check([['password', password, 'required', 'password']]);
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const profile = await api.resetPassword(token, password);
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
    <h1 id="page-title" tabindex="-1">${t('reset.title')}</h1>
    <p class="lead">${t('reset.intro')}</p>
    <${LiveMessage} kind="error" id="reset-error">${message}</${LiveMessage}>
    ${token && html`<form ref=${form} class="form" onSubmit=${submit} novalidate>
      <${Field} id="password" type="password" label=${t('reset.password')} hint=${t('signup.passwordHint')} value=${password}
        onInput=${setPassword} error=${errors.password} autocomplete="new-password" minlength="10" required />
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('reset.busy') : t('reset.submit')}
      </button>
    </form>`}
    <p class="switch"><${Link} href="/forgot-password">${t('reset.newLink')}</${Link}></p>
  </section>`;
}
