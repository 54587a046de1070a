// Create an account. The server answers the same whether or not the address is taken and
// mails its owner; then the PWA signs in with the new password, which works for a new
// account, and shows "check your mail" either way.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { api, ApiError } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';
import { CheckMail } from './check-mail.js';

export function SignUpView({ onSignedIn }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const form = useRef(null);

  useEffect(() => {
    const heading = done && document.getElementById('page-title');
    if (heading) heading.focus();
  }, [done]);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const found = check([
      ['display_name', displayName, 'required'],
      ['email', email, 'required', 'email'],
      ['password', password, 'required', 'password'],
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
      await api.signUp({
        email: email.trim(),
        password,
        display_name: displayName.trim(),
        locale: getLocale(),
      });
      let profile = null;
      try {
        profile = await api.signIn(email.trim(), password);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
      }
      setDone({ email: email.trim(), profile });
    } catch (error) {
      setBusy(false);
      const fieldErrors = error.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  if (done) return html`<${CheckMail} email=${done.email} profile=${done.profile} onContinue=${onSignedIn} />`;
  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('signup.title')}</h1>
    <p class="lead">${t('signup.intro')}</p>
    <${LiveMessage} kind="error" id="signup-error">${message}</${LiveMessage}>
    <form ref=${form} class="form" onSubmit=${submit} novalidate>
      <${Field} id="display_name" label=${t('signup.displayName')} hint=${t('signup.displayNameHint')} value=${displayName}
        onInput=${setDisplayName} error=${errors.display_name} autocomplete="name" maxlength="100" required />
      <${Field} id="email" type="email" label=${t('signup.email')} value=${email} onInput=${setEmail}
        error=${errors.email} autocomplete="email" inputmode="email" autocapitalize="none" spellcheck="false" required />
      <${Field} id="password" type="password" label=${t('signup.password')} hint=${t('signup.passwordHint')} value=${password}
        onInput=${setPassword} error=${errors.password} autocomplete="new-password" minlength="10" required />
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('signup.busy') : t('signup.submit')}
      </button>
    </form>
    <p class="switch">${t('signup.haveAccount')} <${Link} href="/sign-in">${t('signup.toSignin')}</${Link}></p>
  </section>`;
}
