// After sign-up: the same screen whether or not the address already had an account (the
// server says no more). When signing in with the new password worked, the learner goes on.
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Link } from '../core/router.js';

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
