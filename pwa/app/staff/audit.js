// The institution's audit trail: what its staff did, newest first, searchable by text and
// dates, a page at a time.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Field, LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { staffApi, formatDate } from './api.js';

const PER_PAGE = 20;

function actionLabel(action) {
  const key = `staff.actions.${action.replace('.', '_')}`;
  const label = t(key);
  return label === key ? action : label;
}

function detailText(details) {
  return Object.entries(details || {})
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') || '–' : typeof value === 'object' && value !== null ? JSON.stringify(value) : value}`)
    .join(' · ');
}

export default function AuditScreen({ institution }) {
  const [form, setForm] = useState({ q: '', from: '', to: '' });
  const [query, setQuery] = useState({ q: '', from: '', to: '', page: 1 });
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const heading = useRef(null);
  const locale = getLocale();

  useEffect(() => {
    const params = { page: query.page, per_page: PER_PAGE };
    for (const name of ['q', 'from', 'to']) if (query[name]) params[name] = query[name];
    setError('');
    staffApi.audit(institution.slug, params).then(setResult).catch((problem) => setError(problemMessage(problem)));
  }, [institution.slug, query]);

  function search(event) {
    event.preventDefault();
    setQuery({ ...form, page: 1 });
  }

  function turn(page) {
    setQuery({ ...query, page });
    if (heading.current) heading.current.focus();
  }

  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const pages = result ? Math.max(1, Math.ceil(result.total / PER_PAGE)) : 1;
  return html`<div class="card">
    <form class="form audit-search" role="search" onSubmit=${search} noValidate>
      <${Field} id="audit-q" label=${t('staff.audit.text')} type="search" value=${form.q} onInput=${set('q')} />
      <div class="form-grid">
        <${Field} id="audit-from" label=${t('staff.audit.from')} type="date" value=${form.from} onInput=${set('from')} />
        <${Field} id="audit-to" label=${t('staff.audit.to')} type="date" value=${form.to} onInput=${set('to')} />
      </div>
      <button type="submit" class="button button--secondary">${t('staff.audit.search')}</button>
    </form>
    <${LiveMessage} kind="error" id="audit-error">${error}</${LiveMessage}>
    <h2 ref=${heading} tabindex="-1" aria-live="polite">${result ? t(result.total === 1 ? 'staff.audit.foundOne' : 'staff.audit.found', { count: result.total }) : t('staff.audit.title')}</h2>
    ${!result && !error && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${result && html`<ol class="staff-list">
      ${result.events.map((event) => html`<li class="staff-list__item">
        <p class="staff-list__title">${actionLabel(event.action)}</p>
        <p class="muted">${formatDate(event.created_at, locale, true)}${event.actor && ` · ${event.actor}`}</p>
        ${Object.keys(event.details || {}).length > 0 && html`<p class="audit__details">${detailText(event.details)}</p>`}
      </li>`)}
    </ol>
    ${pages > 1 && html`<nav class="pager" aria-label=${t('staff.audit.pages')}>
      <button type="button" class="button button--small button--secondary" disabled=${query.page <= 1} onClick=${() => turn(query.page - 1)}>${t('staff.audit.previous')}</button>
      <span>${t('staff.audit.page', { page: query.page, pages })}</span>
      <button type="button" class="button button--small button--secondary" disabled=${query.page >= pages} onClick=${() => turn(query.page + 1)}>${t('staff.audit.next')}</button>
    </nav>`}`}
  </div>`;
}
