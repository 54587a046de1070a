// Printing the dossier as a PDF: pick credentials (as when sharing), a page each or a one-page
// summary, Dutch or English, how long the QR codes work. The server makes a share link for
// the QR codes and answers with the PDF, which the browser saves.
// Route: /dossier/print (optionally ?credential=<id> to start with one chosen).
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { requestFile, saveFile } from '../core/api.js';
import { LiveMessage, Icon } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { dossierApi } from '../dossier/api.js';
import { Progress } from '../dossier/parts.js';
import { ExpirySelect } from './parts.js';
import { CredentialChoice, preselected, toggle } from './new.js';

const PRINT = '/api/v1/dossier/print';
const PRINT_EXPIRY = 90;

function Choice({ name, value, checked, onChange, label, hint }) {
  const id = `print-${name}-${value}`;
  return html`<li>
    <label class="option" for=${id}>
      <input type="radio" id=${id} name=${name} value=${value} checked=${checked} onChange=${() => onChange(value)} />
      <span class="option__text">
        <span class="option__name">${label}</span>
        ${hint && html`<span class="option__detail">${hint}</span>`}
      </span>
    </label>
  </li>`;
}

function PrintForm({ timeZone, user }) {
  const [credentials, setCredentials] = useState(null);
  const [chosen, setChosen] = useState(preselected);
  const [layout, setLayout] = useState('full');
  const [lang, setLang] = useState((user && user.locale) || getLocale());
  const [days, setDays] = useState(PRINT_EXPIRY);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const listRef = useRef(null);

  useEffect(() => {
    let live = true;
    dossierApi.credentials().then((list) => live && setCredentials(list))
      .catch((problem) => { if (live) { setCredentials([]); setMessage(problemMessage(problem)); } });
    return () => { live = false; };
  }, []);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    setMessage('');
    setStatus('');
    if (chosen.length === 0) {
      setError(t('share.chooseOne'));
      if (listRef.current) listRef.current.focus();
      return;
    }
    setError('');
    setBusy(true);
    try {
      saveFile(await requestFile(PRINT, { credential_ids: chosen, layout, lang, expires_in_days: days }, 'application/pdf'));
      setStatus(t('print.done'));
    } catch (problem) {
      setMessage(problemMessage(problem));
    } finally {
      setBusy(false);
    }
  }

  if (credentials === null) return html`<p class="loading" role="status">${t('app.loading')}</p>`;
  return html`<form class="form share-form" onSubmit=${submit} noValidate>
    <${LiveMessage} kind="error" id="print-error">${message}</${LiveMessage}>
    <fieldset class=${error ? 'share-pick share-pick--invalid' : 'share-pick'} id="print-credentials" tabindex="-1" ref=${listRef}
      aria-describedby=${error ? 'print-credentials-error' : undefined}>
      <legend>${t('share.pickCredentials')}</legend>
      ${error && html`<p class="field__error" id="print-credentials-error"><${Icon} name="alert" className="icon icon--small" /> <span>${error}</span></p>`}
      ${credentials.length === 0
        ? html`<p class="muted">${t('share.noCredentials')}</p>`
        : html`<ul class="share-options">${credentials.map((credential) => html`<${CredentialChoice} key=${credential.id} prefix="print"
            credential=${credential} timeZone=${timeZone} checked=${chosen.includes(credential.id)}
            onToggle=${() => setChosen((list) => toggle(list, credential.id))} />`)}</ul>`}
    </fieldset>
    <fieldset class="share-pick">
      <legend>${t('print.layout')}</legend>
      <ul class="share-options">
        <${Choice} name="layout" value="full" checked=${layout === 'full'} onChange=${setLayout} label=${t('print.full')} hint=${t('print.fullHint')} />
        <${Choice} name="layout" value="summary" checked=${layout === 'summary'} onChange=${setLayout} label=${t('print.summary')} hint=${t('print.summaryHint')} />
      </ul>
    </fieldset>
    <fieldset class="share-pick">
      <legend>${t('print.language')}</legend>
      <ul class="share-options">
        <${Choice} name="lang" value="nl" checked=${lang === 'nl'} onChange=${setLang} label="Nederlands" />
        <${Choice} name="lang" value="en" checked=${lang === 'en'} onChange=${setLang} label="English" />
      </ul>
    </fieldset>
    <${ExpirySelect} id="print-expires" label=${t('print.expiryLabel')} value=${days} onChange=${setDays} />
    <${Progress} label=${busy ? t('print.busy') : ''} />
    <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>${t('print.submit')}</button>
    <${LiveMessage} kind="status" id="print-status">${status}</${LiveMessage}>
  </form>`;
}

export function PrintView({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  return html`<section class="share-new" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('print.title')}</h1>
    <p class="lead">${t('print.intro')}</p>
    <${PrintForm} timeZone=${timeZone} user=${user} />
  </section>`;
}
