import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Link } from '../core/router.js';

export function NotFoundView() {
  return html`<section class="card" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('notFound.title')}</h1>
    <p>${t('notFound.body')}</p>
    <p><${Link} href="/">${t('notFound.home')}</${Link}></p>
  </section>`;
}
