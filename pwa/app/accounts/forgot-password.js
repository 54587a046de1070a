// Forgot the password: ask for a link by mail. The answer is the same for every address.
import { html, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';

export function ForgotPasswordView() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const found = check([['email', email, 'required', 'email']]);
    setErrors(found);
    setSent('');
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const answer = await api.askPasswordReset(email.trim());
      setSent(answer.message);
    } catch (error) {
      const fieldErrors = error.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('forgot.title')}</h1>
    <p class="lead">${t('forgot.intro')}</p>
    <${LiveMessage} kind="error" id="forgot-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="forgot-status">${sent}</${LiveMessage}>
    <form ref=${form} class="form" onSubmit=${submit} novalidate>
      <${Field} id="email" type="email" label=${t('signin.email')} value=${email} onInput=${setEmail}
        error=${errors.email} autocomplete="email" inputmode="email" autocapitalize="none" spellcheck="false" required />
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('forgot.busy') : t('forgot.submit')}
      </button>
    </form>
    <p class="switch"><${Link} href="/sign-in">${t('forgot.back')}</${Link}></p>
  </section>`;
}
