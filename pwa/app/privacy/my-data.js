// "Mijn gegevens" on the profile: download all my data (optionally with a passphrase), bring
// a data file back, read what happened to my data, and delete the account.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { ApiError, csrfToken, request, saveFile } from '../core/api.js';
import { Field, Icon } from '../core/components.js';
import { FileField } from '../dossier/parts.js';
import { ConfirmDialog } from '../routes/ui.js';
import { problemMessage } from '../core/forms.js';

const BASE = '/api/v1/privacy';
const MIN_PASSPHRASE = 12;
const PAGE_SIZE = 10;

function kilobytes(bytes) {
  return new Intl.NumberFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 0 }).format(bytes / 1024);
}

/** POST the export and read the zip as it comes in, reporting the bytes received so far. */
async function downloadExport(passphrase, onProgress) {
  if (!csrfToken()) await request('GET', '/api/v1/meta').catch(() => null);
  let response;
  try {
    response = await fetch(`${BASE}/export`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/zip, application/problem+json',
        'Accept-Language': getLocale(),
        'X-CSRF-Token': csrfToken() || '',
      },
      body: JSON.stringify(passphrase ? { passphrase } : {}),
    });
  } catch {
    throw new ApiError(0, {});
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem);
  }
  const chunks = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '');
  return { blob: new Blob(chunks, { type: 'application/zip' }), filename: name ? name[1] : 'eigendossier.zip' };
}

/**
 * A live region like the shared LiveMessage, but without role=status/alert: the profile page
 * keeps a single status region of its own, and these are announced just the same.
 */
function Notice({ kind = 'error', id, children }) {
  const has = Boolean(children);
  return html`<div id=${id} aria-live=${kind === 'error' ? 'assertive' : 'polite'}
    class=${has ? `notice notice--${kind}` : 'notice notice--empty'}>
    ${has && html`<${Icon} name=${kind === 'error' ? 'alert' : 'check'} className="icon notice__icon" />`}
    ${has && html`<div class="notice__body">${children}</div>`}
  </div>`;
}

/** Progress while busy: a bar and its words, announced politely. */
function Busy({ label }) {
  return html`<div class="progress" aria-live="polite">
    ${label && html`<progress class="progress__bar" aria-label=${label}></progress>`}
    ${label && html`<span>${label}</span>`}
  </div>`;
}

function ExportCard() {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [done, setDone] = useState('');
  const [progress, setProgress] = useState('');

  async function download(event) {
    event.preventDefault();
    if (progress) return;
    setDone('');
    setMessage('');
    if (passphrase && passphrase.length < MIN_PASSPHRASE) {
      setError(t('privacy.export.passphraseShort', { n: MIN_PASSPHRASE }));
      return;
    }
    setError('');
    setProgress(t('privacy.export.preparing'));
    try {
      const file = await downloadExport(passphrase, (bytes) => setProgress(t('privacy.export.receiving', { size: kilobytes(bytes) })));
      saveFile(file);
      setDone(t('privacy.export.done'));
      setPassphrase('');
    } catch (problem) {
      setError((problem instanceof ApiError && problem.fieldErrors.passphrase) || '');
      setMessage(problemMessage(problem));
    } finally {
      setProgress('');
    }
  }

  return html`<form class="form" onSubmit=${download} novalidate aria-labelledby="export-title">
    <h3 id="export-title">${t('privacy.export.title')}</h3>
    <p>${t('privacy.export.intro')}</p>
    <${Notice} kind="error" id="export-error">${message}</${Notice}>
    <${Notice} kind="status" id="export-status">${done}</${Notice}>
    <${Field} id="export_passphrase" type="password" label=${t('privacy.export.passphrase')}
      hint=${t('privacy.export.passphraseHint', { n: MIN_PASSPHRASE })} value=${passphrase}
      onInput=${setPassphrase} error=${error} autocomplete="new-password" />
    <${Busy} label=${progress} />
    <button type="submit" class="button button--primary button--block" aria-disabled=${progress ? 'true' : undefined}>
      ${t('privacy.export.submit')}
    </button>
  </form>`;
}

function ImportCard() {
  const [file, setFile] = useState(null);
  const [passphrase, setPassphrase] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState('');
  const fileRef = useRef(null);

  async function upload(event) {
    event.preventDefault();
    if (busy) return;
    setReport(null);
    setMessage('');
    if (!file) {
      setErrors({ import_file: t('privacy.import.chooseFile') });
      if (fileRef.current) fileRef.current.focus();
      return;
    }
    setErrors({});
    setBusy(t('privacy.import.busy'));
    const form = new FormData();
    form.append('file', file);
    if (passphrase) form.append('passphrase', passphrase);
    try {
      setReport(await request('POST', `${BASE}/import`, form));
      setFile(null);
      setPassphrase('');
      if (fileRef.current) fileRef.current.value = '';
    } catch (problem) {
      setMessage(problemMessage(problem));
    } finally {
      setBusy('');
    }
  }

  return html`<form class="form" onSubmit=${upload} novalidate aria-labelledby="import-title">
    <h3 id="import-title">${t('privacy.import.title')}</h3>
    <p>${t('privacy.import.intro')}</p>
    <${Notice} kind="error" id="import-error">${message}</${Notice}>
    <${Notice} kind="status" id="import-status">${report && html`
      <p>${t('privacy.import.result', { imported: report.imported, duplicates: report.duplicates, failed: report.failed.length })}</p>
      ${report.failed.length > 0 && html`<ul>${report.failed.map((item) => html`<li>${item.file}: ${item.reason}</li>`)}</ul>`}`}
    </${Notice}>
    <${FileField} id="import_file" label=${t('privacy.import.file')} accept=".zip,application/zip"
      error=${errors.import_file} onChange=${setFile} inputRef=${fileRef} />
    <${Field} id="import_passphrase" type="password" label=${t('privacy.import.passphrase')}
      hint=${t('privacy.import.passphraseHint')} value=${passphrase} onInput=${setPassphrase} autocomplete="off" />
    <${Busy} label=${busy} />
    <button type="submit" class="button button--secondary button--block" aria-disabled=${busy ? 'true' : undefined}>
      ${t('privacy.import.submit')}
    </button>
  </form>`;
}

function formatMoment(iso, timeZone) {
  try {
    return new Intl.DateTimeFormat(getLocale() === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function AuditTrail({ user }) {
  const [items, setItems] = useState([]);
  const [page, setPage] = useState(1);
  const [total, setTotal] = useState(0);
  const [message, setMessage] = useState('');
  const [loading, setLoading] = useState(false);

  async function load(next) {
    setLoading(true);
    try {
      const found = await request('GET', `${BASE}/audit?page=${next}&per_page=${PAGE_SIZE}`);
      setItems((before) => (next === 1 ? found.items : [...before, ...found.items]));
      setTotal(found.total);
      setPage(next);
      setMessage('');
    } catch (problem) {
      setMessage(problemMessage(problem));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    load(1);
  }, [user.locale]);

  return html`<section aria-labelledby="audit-title">
    <h3 id="audit-title">${t('privacy.audit.title')}</h3>
    <p>${t('privacy.audit.intro')}</p>
    <${Notice} kind="error" id="audit-error">${message}</${Notice}>
    ${items.length === 0 && !loading && !message && html`<p class="muted">${t('privacy.audit.empty')}</p>`}
    <ol class="audit-list">
      ${items.map((event) => html`<li key=${event.id}>
        <time datetime=${event.created_at}>${formatMoment(event.created_at, user.time_zone)}</time>
        <span> — ${event.message}</span>
      </li>`)}
    </ol>
    ${items.length < total && html`<button type="button" class="button button--secondary button--small"
      onClick=${() => load(page + 1)} aria-disabled=${loading ? 'true' : undefined}>${t('privacy.audit.more')}</button>`}
  </section>`;
}

function EraseCard({ user, onErased }) {
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  function close() {
    setOpen(false);
    setConfirm('');
    setPassword('');
    setErrors({});
    setMessage('');
  }

  async function erase() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await request('POST', `${BASE}/erase`, { confirm, password: password || null });
      setOpen(false);
      await onErased();
    } catch (problem) {
      setErrors(problem instanceof ApiError ? problem.fieldErrors : {});
      setMessage(problemMessage(problem));
      setBusy(false);
    }
  }

  return html`<div aria-labelledby="erase-title" role="group">
    <h3 id="erase-title">${t('privacy.erase.title')}</h3>
    <p>${t('privacy.erase.intro')}</p>
    <button type="button" class="button button--danger button--block" onClick=${() => setOpen(true)}>
      ${t('privacy.erase.open')}
    </button>
    <${ConfirmDialog} open=${open} title=${t('privacy.erase.confirmTitle')} confirmLabel=${t('privacy.erase.confirm')}
      cancelLabel=${t('privacy.erase.cancel')} onConfirm=${erase} onCancel=${close} busy=${busy}>
      <p>${t('privacy.erase.confirmText')}</p>
      <${Notice} kind="error" id="erase-error">${message}</${Notice}>
      <${Field} id="erase_confirm" type="email" label=${t('privacy.erase.typeEmail', { email: user.email })}
        value=${confirm} onInput=${setConfirm} error=${errors.confirm} autocomplete="off" />
      <${Field} id="erase_password" type="password" label=${t('privacy.erase.password')}
        hint=${t('privacy.erase.passwordHint')} value=${password} onInput=${setPassword}
        error=${errors.password} autocomplete="current-password" />
    </${ConfirmDialog}>
  </div>`;
}

export function MyDataSection({ user, onErased }) {
  return html`<div class="card" id="my-data">
    <h2>${t('privacy.title')}</h2>
    <${ExportCard} />
    <${ImportCard} />
    <${AuditTrail} user=${user} />
    <${EraseCard} user=${user} onErased=${onErased} />
  </div>`;
}
