// Change the password, knowing the current one. Every other device is signed out.
import { html, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { api } from '../core/api.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { useForm } from '../core/forms.js';

export function ChangePasswordView({ onProfile }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const { form, errors, message, busy, submit } = useForm(() => [
    ['current_password', current, 'required'],
    ['password', password, 'required', 'password'],
  ], async () => {
    const profile = await api.changePassword(current, password);
    setCurrent('');
    setPassword('');
    await onProfile(profile);
    setDone(t('password.done'));
  }, {
    starting: () => setDone(''),
    refused: (error, fieldErrors) => {
      if (error.status === 403) fieldErrors.current_password = t('password.wrongCurrent');
    },
  });

  return html`<section class="card" aria-labelledby="page-title">
    <p class="back"><${Link} href="/profile">${t('password.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('password.title')}</h1>
    <p class="lead">${t('password.intro')}</p>
    <${LiveMessage} kind="error" id="password-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="password-status">${done}</${LiveMessage}>
    <form ref=${form} class="form" onSubmit=${submit} novalidate>
      <${Field} id="current_password" type="password" label=${t('password.current')} value=${current}
        onInput=${setCurrent} error=${errors.current_password} autocomplete="current-password" required />
      <${Field} id="password" type="password" label=${t('password.new')} hint=${t('signup.passwordHint')} value=${password}
        onInput=${setPassword} error=${errors.password} autocomplete="new-password" minlength="10" required />
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('password.busy') : t('password.submit')}
      </button>
    </form>
  </section>`;
}
