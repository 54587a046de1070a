// The link from a reset mail: choose a new password. Every device is signed out; this one is
// signed in again.
import { html, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api, takeLinkToken } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { useForm } from '../core/forms.js';

export function ResetPasswordView({ onSignedIn }) {
  const [token] = useState(takeLinkToken);
  const [password, setPassword] = useState('');
  // Without a token there is no form to submit, only the message to ask for a new link.
  const { form, errors, message, busy, submit } = useForm(
    () => [['password', password, 'required', 'password']],
    async () => onSignedIn(await api.resetPassword(token, password)),
    { leaves: true, message: token ? '' : t('reset.noToken') });

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
