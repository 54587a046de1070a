// The link from a confirmation mail: confirm the address, signed in or not (the mail may be
// opened on another device).
import { html, useEffect, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api, takeLinkToken } from '../core/api.js';
import { LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';

export function VerifyEmailView({ user, onProfile }) {
  const [token] = useState(takeLinkToken);
  const [state, setState] = useState(token ? 'busy' : 'failed');
  const [message, setMessage] = useState(token ? '' : t('verify.noToken'));

  useEffect(() => {
    if (!token) return;
    (async () => {
      try {
        const confirmed = await api.confirmEmail(token);
        if (user && user.id === confirmed.id) await onProfile(confirmed);
        setState('done');
      } catch (error) {
        setState('failed');
        setMessage(problemMessage(error));
      }
    })();
  }, [token]);

  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('verify.title')}</h1>
    ${state === 'busy' && html`<p class="loading" role="status">${t('verify.busy')}</p>`}
    <${LiveMessage} kind="status" id="verify-status">${state === 'done' ? t('verify.done') : ''}</${LiveMessage}>
    <${LiveMessage} kind="error" id="verify-error">${message}</${LiveMessage}>
    ${state === 'failed' && html`<p>${user ? t('verify.askAgainSignedIn') : t('verify.askAgain')}</p>`}
    <p class="switch">${user
      ? html`<${Link} href="/profile">${t('verify.toProfile')}</${Link}>`
      : html`<${Link} href="/sign-in">${t('verify.toSignIn')}</${Link}>`}</p>
  </section>`;
}
