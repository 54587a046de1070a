// Adding a credential: a file (badge image from the phone's photos or files, .json, .jwt),
// pasted text, or a web address. The server reads, verifies and stores it, or says why not.
import { html, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link, navigate } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { dossierApi, setNotice } from './api.js';
import { FileField, Progress, TextArea } from './parts.js';

// On phones, image/* types open the photo library (camera roll) next to the files.
export const CREDENTIAL_ACCEPT = 'image/png,image/svg+xml,.png,.svg,.json,.jwt,.jws,application/json';

export function AddCredentialView() {
  const [file, setFile] = useState(null);
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState('');

  async function run(kind, call) {
    if (busy) return;
    setMessage('');
    setBusy(t(kind === 'url' ? 'dossier.add.fetching' : 'dossier.add.checking'));
    try {
      const credential = await call();
      setNotice(t('dossier.add.added'));
      navigate(`/dossier/${credential.id}`);
    } catch (error) {
      setBusy('');
      setMessage(problemMessage(error));
      const fieldErrors = error.fieldErrors || {};
      if (fieldErrors.url) setErrors({ url: fieldErrors.url });
    }
  }

  function submit(kind) {
    return (event) => {
      event.preventDefault();
      const found = {};
      if (kind === 'file' && !file) found.file = t('dossier.add.fileMissing');
      if (kind === 'text' && !text.trim()) found.text = t('validation.required');
      if (kind === 'url' && !/^https?:\/\/\S+$/i.test(url.trim())) found.url = t('dossier.add.urlInvalid');
      setErrors(found);
      if (Object.keys(found).length) {
        setMessage(t('app.fieldErrorsSummary'));
        const field = document.getElementById(Object.keys(found)[0]);
        if (field) field.focus();
        return;
      }
      if (kind === 'file') run(kind, () => dossierApi.importFile(file));
      if (kind === 'text') run(kind, () => dossierApi.importText(text.trim()));
      if (kind === 'url') run(kind, () => dossierApi.importUrl(url.trim()));
    };
  }

  const disabled = busy ? 'true' : undefined;
  return html`<section class="dossier-add" aria-labelledby="page-title" aria-busy=${busy ? 'true' : 'false'}>
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('dossier.add.title')}</h1>
    <p class="lead">${t('dossier.add.intro')}</p>
    <${LiveMessage} kind="error" id="add-error" fromFields>${message}</${LiveMessage}>
    <${Progress} label=${busy} />
    <div class="card" aria-labelledby="add-offer-title">
      <h2 id="add-offer-title">${t('offer.cardHeading')}</h2>
      <p>${t('offer.cardText')}</p>
      <${Link} class="button button--secondary button--block" href="/dossier/offer">${t('offer.cardButton')}</${Link}>
    </div>
    <form class="card form" onSubmit=${submit('file')} novalidate aria-labelledby="add-file-title">
      <h2 id="add-file-title">${t('dossier.add.fileHeading')}</h2>
      <${FileField} id="file" label=${t('dossier.add.fileLabel')} hint=${t('dossier.add.fileHint')}
        accept=${CREDENTIAL_ACCEPT} error=${errors.file} onChange=${setFile} />
      <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('dossier.add.fileSubmit')}</button>
    </form>
    <form class="card form" onSubmit=${submit('text')} novalidate aria-labelledby="add-text-title">
      <h2 id="add-text-title">${t('dossier.add.textHeading')}</h2>
      <${TextArea} id="text" label=${t('dossier.add.textLabel')} hint=${t('dossier.add.textHint')}
        value=${text} onInput=${setText} error=${errors.text} rows="6" spellcheck="false" autocomplete="off" />
      <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('dossier.add.textSubmit')}</button>
    </form>
    <form class="card form" onSubmit=${submit('url')} novalidate aria-labelledby="add-url-title">
      <h2 id="add-url-title">${t('dossier.add.urlHeading')}</h2>
      <${Field} id="url" type="url" label=${t('dossier.add.urlLabel')} hint=${t('dossier.add.urlHint')}
        value=${url} onInput=${setUrl} error=${errors.url} inputmode="url" autocomplete="off" placeholder="https://" />
      <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('dossier.add.urlSubmit')}</button>
    </form>
  </section>`;
}
