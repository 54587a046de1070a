// Receiving a credential from a school's wallet offer (OpenID4VCI): paste the link or scan its
// QR code, see who offers what, type the code the school sent separately when it asks for one,
// and accept. The server fetches the offer, proves the learner's key and imports the credential
// through the normal check; the learner lands on the credential's page.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link, navigate } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { setNotice } from '../dossier/api.js';
import { Progress, TextArea } from '../dossier/parts.js';
import { QrScanner, useScanSupport } from '../vouchers/scan.js';
import { looksLikeOffer, offerApi } from './api.js';

function OfferSummary({ preview }) {
  return html`<div class="card offer-summary" aria-labelledby="offer-from">
    <h2 id="offer-from">${t('offer.from', { issuer: preview.issuer.name })}</h2>
    <p class="muted offer-summary__issuer">${preview.issuer.id}</p>
    <p>${t('offer.what')}</p>
    <ul>
      ${preview.credentials.map((item) => html`<li key=${item.id}>${item.name}${item.supported ? '' : html` <span class="muted">(${t('offer.notTaken')})</span>`}</li>`)}
    </ul>
  </div>`;
}

export function ReceiveOfferView() {
  const [link, setLink] = useState('');
  const [preview, setPreview] = useState(null);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState({});
  const failed = new URLSearchParams(window.location.search).get('failed');
  const [message, setMessage] = useState(failed ? t('offer.failed') : '');
  const [busy, setBusy] = useState('');
  const [scanning, setScanning] = useState(false);
  const canScan = useScanSupport();
  const heading = useRef(null);

  useEffect(() => {
    if (preview && heading.current) heading.current.focus();
  }, [preview]);

  async function read(text) {
    if (busy) return;
    setMessage('');
    setBusy(t('offer.reading'));
    try {
      setPreview(await offerApi.preview(text.trim()));
      setBusy('');
    } catch (error) {
      setBusy('');
      setMessage(problemMessage(error));
    }
  }

  function submitLink(event) {
    event.preventDefault();
    if (!looksLikeOffer(link)) {
      setErrors({ link: t('offer.linkInvalid') });
      setMessage(t('app.fieldErrorsSummary'));
      document.getElementById('offer-link').focus();
      return;
    }
    setErrors({});
    read(link);
  }

  function scanned(text) {
    if (!looksLikeOffer(text)) return false;
    setScanning(false);
    setLink(text);
    read(text);
    return true;
  }

  async function accept(event) {
    event.preventDefault();
    if (busy) return;
    const tx = preview.tx_code;
    if (tx && !code.trim()) {
      setErrors({ tx_code: t('validation.required') });
      setMessage(t('app.fieldErrorsSummary'));
      document.getElementById('offer-code').focus();
      return;
    }
    setErrors({});
    setMessage('');
    setBusy(t('offer.receiving'));
    if (!preview.pre_authorized) {
      try {
        const answer = await offerApi.authorize(link.trim());
        window.location.assign(answer.authorization_url);
      } catch (error) {
        setBusy('');
        setMessage(problemMessage(error));
      }
      return;
    }
    try {
      const credential = await offerApi.accept(link.trim(), tx ? code.trim() : null);
      setNotice(t('offer.received'));
      navigate(`/dossier/${credential.id}`);
    } catch (error) {
      setBusy('');
      setMessage(problemMessage(error));
      const fieldErrors = error.fieldErrors || {};
      if (fieldErrors.tx_code) {
        setErrors({ tx_code: fieldErrors.tx_code });
        document.getElementById('offer-code').focus();
      }
    }
  }

  function cancel() {
    setPreview(null);
    setCode('');
    setErrors({});
    setMessage('');
  }

  const disabled = busy ? 'true' : undefined;
  const tx = preview && preview.tx_code;
  return html`<section class="offer-receive" aria-labelledby="page-title" aria-busy=${busy ? 'true' : 'false'}>
    <p class="back"><${Link} href="/dossier/add">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1" ref=${heading}>${preview ? t('offer.confirmTitle') : t('offer.title')}</h1>
    <${LiveMessage} kind="error" id="offer-error" fromFields>${message}</${LiveMessage}>
    <${Progress} label=${busy} />
    ${!preview && html`<p class="lead">${t('offer.intro')}</p>
      <form class="card form" onSubmit=${submitLink} novalidate aria-labelledby="offer-link-title">
        <h2 id="offer-link-title">${t('offer.linkHeading')}</h2>
        <${TextArea} id="offer-link" label=${t('offer.linkLabel')} hint=${t('offer.linkHint')}
          value=${link} onInput=${setLink} error=${errors.link} rows="4" spellcheck="false" autocomplete="off" />
        <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('offer.read')}</button>
        ${canScan && !scanning && html`<button type="button" class="button button--secondary button--block"
          onClick=${() => { setMessage(''); setScanning(true); }}>${t('offer.scan')}</button>`}
      </form>
      ${scanning && html`<${QrScanner} onText=${scanned} onStop=${() => setScanning(false)} notCode=${t('offer.linkInvalid')} />`}`}
    ${preview && html`<${OfferSummary} preview=${preview} />
      <form class="card form" onSubmit=${accept} novalidate aria-labelledby="offer-accept-title">
        <h2 id="offer-accept-title">${t('offer.askHeading')}</h2>
        ${!preview.pre_authorized && html`<p>${t('offer.signInAtIssuer')}</p>`}
        ${tx && html`<${Field} id="offer-code" label=${t('offer.codeLabel')}
          hint=${tx.description || t('offer.codeHint')} value=${code} onInput=${setCode} error=${errors.tx_code}
          inputmode=${tx.input_mode === 'text' ? 'text' : 'numeric'} autocomplete="one-time-code"
          maxlength=${tx.length || 64} />`}
        <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('offer.accept')}</button>
        <button type="button" class="button button--secondary button--block" onClick=${cancel}>${t('offer.cancel')}</button>
      </form>`}
  </section>`;
}
