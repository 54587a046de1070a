// The catalogue: upload a YAML or JSON document, see what it would change (new, changed,
// removed runs; runs whose enrolled learners notice) and only then apply it; the runs, each
// with its enrolments, editable, and exported as CSV or iCalendar.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Field, LiveMessage, SelectField } from '../core/components.js';
import { focusFirstInvalid, problemMessage } from '../core/forms.js';
import { Link } from '../core/router.js';
import { staffApi, formatDate } from './api.js';

const TIMES = ['daytime', 'evening', 'weekend'];
const PLACES = ['school', 'company', 'community_centre', 'home'];
const FORMS = ['physical', 'digital', 'self_study', 'practical'];
const RUN_PATH = /^\/staff\/catalogue\/runs\/(\d+)$/;

function fieldValue(name, value) {
  if (Array.isArray(value)) return value.map((day) => t(`staff.weekdays.${day}`)).join(', ') || '–';
  if (['start_date', 'end_date'].includes(name)) return formatDate(value, getLocale());
  if (name === 'time_of_day') return t(`staff.times.${value}`);
  if (name === 'location_kind') return t(`staff.places.${value}`);
  if (name === 'learning_form') return t(`staff.forms.${value}`);
  return value === '' ? '–' : String(value);
}

function ChangeList({ title, items, kind }) {
  if (!items.length) return null;
  return html`<div class="changes__group">
    <h4>${title} (${items.length})</h4>
    <ul class="changes__list">
      ${items.map((item) => html`<li class=${`change change--${kind}`}>
        <p class="change__head"><strong>${item.code}</strong> <span class="muted-inline">${item.block}</span>
          ${item.affects_learners && html` <span class="badge badge--warn">${t('staff.catalogue.enrolled', { count: item.enrolled })}</span>`}</p>
        ${item.fields.length > 0 && html`<ul class="change__fields">
          ${item.fields.map((change) => html`<li>${t(`staff.runFields.${change.field}`)}: <del>${fieldValue(change.field, change.old)}</del> → <ins>${fieldValue(change.field, change.new)}</ins></li>`)}
        </ul>`}
      </li>`)}
    </ul>
  </div>`;
}

function Preview({ changes }) {
  const nothing = !changes.new.length && !changes.changed.length && !changes.removed.length;
  return html`<div class="changes">
    <h3 id="preview-title" tabindex="-1">${t('staff.catalogue.previewTitle')}</h3>
    <p>${t('staff.catalogue.summary', { new: changes.new.length, changed: changes.changed.length, removed: changes.removed.length })}</p>
    ${changes.affected.length > 0 && html`<p class="notice notice--info">${t('staff.catalogue.affected', { count: changes.affected.length })}</p>`}
    ${nothing && html`<p class="muted">${t('staff.catalogue.nothing')}</p>`}
    <${ChangeList} title=${t('staff.catalogue.new')} items=${changes.new} kind="new" />
    <${ChangeList} title=${t('staff.catalogue.changed')} items=${changes.changed} kind="changed" />
    <${ChangeList} title=${t('staff.catalogue.removed')} items=${changes.removed} kind="removed" />
  </div>`;
}

function fieldErrorsList(error) {
  const errors = (error && error.problem && error.problem.errors) || {};
  const lines = Object.entries(errors).flatMap(([where, messages]) => (Array.isArray(messages) ? messages : [messages]).map((message) => `${where}: ${message}`));
  if (!lines.length) return null;
  return html`<ul class="problem-lines">${lines.map((line) => html`<li>${line}</li>`)}</ul>`;
}

function Upload({ institution, onApplied }) {
  const [file, setFile] = useState(null);
  const [changes, setChanges] = useState(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef(null);

  function chosen(event) {
    setFile(event.currentTarget.files[0] || null);
    setChanges(null);
    setStatus('');
    setError('');
  }

  async function preview(event) {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setError(t('staff.catalogue.chooseFirst'));
      if (input.current) input.current.focus();
      return;
    }
    setBusy(true);
    setError('');
    setStatus('');
    try {
      setChanges(await staffApi.previewCatalog(institution.slug, file));
      requestAnimationFrame(() => {
        const heading = document.getElementById('preview-title');
        if (heading) heading.focus();
      });
    } catch (problem) {
      setChanges(null);
      setError(html`${problemMessage(problem)}${fieldErrorsList(problem)}`);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const done = await staffApi.applyCatalog(institution.slug, file);
      setChanges(null);
      setFile(null);
      if (input.current) input.current.value = '';
      setStatus(t('staff.catalogue.applied', { new: done.new.length, changed: done.changed.length, removed: done.removed.length }));
      onApplied();
    } catch (problem) {
      setError(html`${problemMessage(problem)}${fieldErrorsList(problem)}`);
    } finally {
      setBusy(false);
    }
  }

  function cancel() {
    setChanges(null);
    if (input.current) input.current.focus();
  }

  return html`<div class="card">
    <h2>${t('staff.catalogue.uploadTitle')}</h2>
    <p class="lead">${t('staff.catalogue.uploadIntro')}</p>
    <form class="form" onSubmit=${preview} noValidate>
      <div class="field">
        <label for="catalogue-file">${t('staff.catalogue.file')}</label>
        <input id="catalogue-file" ref=${input} type="file" accept=".yaml,.yml,.json,application/json,application/yaml" onChange=${chosen} />
      </div>
      <${LiveMessage} kind="error" id="catalogue-error">${error}</${LiveMessage}>
      <${LiveMessage} kind="status" id="catalogue-status">${status}</${LiveMessage}>
      <button type="submit" class="button button--secondary" aria-disabled=${busy ? 'true' : undefined}>${t('staff.catalogue.preview')}</button>
    </form>
    ${changes && html`<${Preview} changes=${changes} />
      <div class="actions">
        <button type="button" class="button button--primary" onClick=${apply} aria-disabled=${busy ? 'true' : undefined}>${t('staff.catalogue.apply')}</button>
        <button type="button" class="button button--secondary" onClick=${cancel}>${t('staff.catalogue.cancel')}</button>
      </div>`}
  </div>`;
}

function RunList({ runs }) {
  const locale = getLocale();
  if (!runs.length) return html`<p class="muted">${t('staff.catalogue.noRuns')}</p>`;
  return html`<ul class="staff-list">
    ${runs.map((run) => html`<li class="staff-list__item">
      <p class="staff-list__title"><${Link} href=${`/staff/catalogue/runs/${run.id}`}>${run.code}</${Link}> <span class="muted-inline">${run.block_code} ${run.block_name}</span></p>
      <p class="muted">${formatDate(run.start_date, locale)} – ${formatDate(run.end_date, locale)} · ${t(`staff.times.${run.time_of_day}`)}<br />
        ${t('staff.catalogue.seats', { taken: run.seats_taken, total: run.seats_total })}</p>
    </li>`)}
  </ul>`;
}

function CatalogueHome({ institution }) {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState('');
  function load() {
    staffApi.runs(institution.slug).then(setRuns).catch((problem) => setError(problemMessage(problem)));
  }
  useEffect(load, [institution.slug]);
  return html`<div class="staff-columns">
    <${Upload} institution=${institution} onApplied=${load} />
    <div class="card">
      <h2>${t('staff.catalogue.runsTitle')}</h2>
      <${LiveMessage} kind="error" id="runs-error">${error}</${LiveMessage}>
      ${runs ? html`<${RunList} runs=${runs} />` : !error && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    </div>
  </div>`;
}

const EDITABLE = ['seats_total', 'start_date', 'end_date', 'time_of_day', 'starts_at', 'ends_at', 'location_kind', 'address', 'learning_form'];

function RunEditor({ institution, run, onSaved }) {
  const [values, setValues] = useState(() => Object.fromEntries(EDITABLE.map((name) => [name, String(run[name] ?? '')])));
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef(null);
  const set = (name) => (value) => setValues({ ...values, [name]: value });

  async function save(event) {
    event.preventDefault();
    if (busy) return;
    const changes = {};
    for (const name of EDITABLE) {
      const value = name === 'seats_total' ? Number.parseInt(values[name], 10) : values[name];
      if (String(value) !== String(run[name] ?? '')) changes[name] = Number.isNaN(value) ? values[name] : value;
    }
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      const saved = await staffApi.updateRun(institution.slug, run.id, changes);
      setErrors({});
      setStatus(t('staff.run.saved'));
      onSaved(saved);
    } catch (problem) {
      const found = problem.fieldErrors || {};
      setErrors(found);
      setMessage(problemMessage(problem));
      focusFirstInvalid(form.current, found);
    } finally {
      setBusy(false);
    }
  }

  const select = (name, choices, group) => html`<${SelectField} id=${name} label=${t(`staff.runFields.${name}`)} value=${values[name]}
    onChange=${set(name)} error=${errors[name]} options=${choices.map((value) => ({ value, label: t(`staff.${group}.${value}`) }))} />`;
  const input = (name, type = 'text', extra = {}) => html`<${Field} id=${name} label=${t(`staff.runFields.${name}`)} type=${type}
    value=${values[name]} onInput=${set(name)} error=${errors[name]} ...${extra} />`;

  return html`<form class="form card" ref=${form} onSubmit=${save} noValidate>
    <h2>${t('staff.run.editTitle')}</h2>
    <${LiveMessage} kind="error" id="run-error" fromFields=${true}>${message}</${LiveMessage}>
    <div class="form-grid">
      ${input('seats_total', 'number', { min: 0, inputmode: 'numeric' })}
      ${input('start_date', 'date')}
      ${input('end_date', 'date')}
      ${select('time_of_day', TIMES, 'times')}
      ${input('starts_at', 'time')}
      ${input('ends_at', 'time')}
      ${select('location_kind', PLACES, 'places')}
      ${input('address', 'text', { autocomplete: 'off' })}
      ${select('learning_form', FORMS, 'forms')}
    </div>
    <${LiveMessage} kind="status" id="run-status">${status}</${LiveMessage}>
    <button type="submit" class="button button--primary" aria-disabled=${busy ? 'true' : undefined}>${t('staff.run.save')}</button>
  </form>`;
}

function RunDetail({ institution, runId }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const locale = getLocale();
  useEffect(() => {
    staffApi.run(institution.slug, runId).then(setData).catch((problem) => setError(problemMessage(problem)));
  }, [institution.slug, runId]);
  if (error) return html`<p class="back"><${Link} href="/staff/catalogue">${t('staff.run.back')}</${Link}></p><${LiveMessage} kind="error" id="run-load-error">${error}</${LiveMessage}>`;
  if (!data) return html`<p class="loading" role="status">${t('app.loading')}</p>`;
  const { run, enrolments } = data;
  return html`<p class="back"><${Link} href="/staff/catalogue">${t('staff.run.back')}</${Link}></p>
    <h2 class="staff__subtitle">${t('staff.run.title', { code: run.code })} <span class="muted-inline">${run.block_code} ${run.block_name}</span></h2>
    <div class="staff-columns">
      <${RunEditor} institution=${institution} run=${run} onSaved=${(saved) => setData({ ...data, run: saved })} />
      <div class="card">
        <h2>${t('staff.run.enrolmentsTitle', { count: enrolments.filter((row) => row.status === 'enrolled').length })}</h2>
        ${enrolments.length ? html`<ul class="staff-list">
          ${enrolments.map((row) => html`<li class="staff-list__item">
            <p class="staff-list__title">${row.name}</p>
            <p class="muted">${row.email} · ${t(`staff.run.status.${row.status}`)} · ${formatDate(row.enrolled_at, locale, true)}</p>
          </li>`)}
        </ul>` : html`<p class="muted">${t('staff.run.noEnrolments')}</p>`}
        <div class="actions">
          <a class="button button--secondary" href=${staffApi.rosterUrl(institution.slug, run.id, 'csv')} download>${t('staff.run.csv')}</a>
          <a class="button button--secondary" href=${staffApi.rosterUrl(institution.slug, run.id, 'ics')} download>${t('staff.run.ics')}</a>
        </div>
      </div>
    </div>`;
}

export default function CatalogueScreen({ institution, path }) {
  const match = RUN_PATH.exec(path);
  if (match) return html`<${RunDetail} institution=${institution} runId=${Number(match[1])} />`;
  return html`<${CatalogueHome} institution=${institution} />`;
}
