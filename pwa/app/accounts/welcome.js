// The screens before sign-in, in one module (one request, precached at install): sign in,
// create an account and "check your mail" after it, and ask for a new password.
import { html, useState, useEffect } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Link } from '../core/router.js';
import { api, ApiError } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { useForm } from '../core/forms.js';

// After sign-up: the same screen whether or not the address already had an account (the
// server says no more). When signing in with the new password worked, the learner goes on.
export function CheckMail({ email, profile, onContinue }) {
  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('checkMail.title')}</h1>
    <p class="lead" role="status">${t('checkMail.sent', { email })}</p>
    <p>${t('checkMail.link')}</p>
    <p class="muted">${t('checkMail.noMail')}</p>
    ${profile
      ? html`<p>${t('checkMail.canContinue')}</p>
        <button type="button" class="button button--primary button--block" onClick=${() => onContinue(profile)}>${t('checkMail.continue')}</button>`
      : html`<p class="switch">${t('checkMail.haveAccount')} <${Link} href="/sign-in">${t('signup.toSignin')}</${Link}></p>`}
  </section>`;
}

// Sign in with email and password, or with an OIDC provider such as eduID.
export function SignInView({ meta, onSignedIn, flash }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const providers = (meta && meta.oidc_providers) || [];
  const { form, errors, message, busy, submit } = useForm(() => [
    ['email', email, 'required', 'email'],
    ['password', password, 'required'],
  ], async () => {
    await onSignedIn(await api.signIn(email.trim(), password));
  }, { leaves: true });

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

// Create an account. The server answers the same whether or not the address is taken and
// mails its owner; then the PWA signs in with the new password, which works for a new
// account, and shows "check your mail" either way.
export function SignUpView({ onSignedIn }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(null);

  useEffect(() => {
    const heading = done && document.getElementById('page-title');
    if (heading) heading.focus();
  }, [done]);

  const { form, errors, message, busy, submit } = useForm(() => [
    ['display_name', displayName, 'required'],
    ['email', email, 'required', 'email'],
    ['password', password, 'required', 'password'],
  ], async () => {
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
  }, { leaves: true });

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

// Forgot the password: ask for a link by mail. The answer is the same for every address.
export function ForgotPasswordView() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const { form, errors, message, busy, submit } = useForm(
    () => [['email', email, 'required', 'email']],
    async () => setSent((await api.askPasswordReset(email.trim())).message),
    { starting: () => setSent('') });

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
