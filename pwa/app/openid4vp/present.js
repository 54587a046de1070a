// Answering an employer's request for proof (OpenID4VP): paste the openid4vp:// link or scan
// its QR code, see who asks for what, pick credentials, agree, send. Route: /dossier/present.
// The server fetches and checks the request; this screen only shows it and asks.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { Field, LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { formatDate } from '../dossier/parts.js';
import { QrScanner, useScanSupport } from '../vouchers/scan.js';
import { presentApi, LINK_PREFIX } from './api.js';

function toggle(list, value) {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

function askText(ask) {
  return ask.values.length ? t('present.askNamed', { name: ask.values.join(', ') }) : t('present.askAny');
}

function LinkForm({ onOpened }) {
  const [link, setLink] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const canScan = useScanSupport();

  async function open(text) {
    if (busy) return false;
    const value = (text || '').trim();
    if (!value.startsWith(LINK_PREFIX)) {
      setError(t('present.notALink'));
      return false;
    }
    setBusy(true);
    setError('');
    setMessage('');
    try {
      onOpened(await presentApi.open(value));
      return true;
    } catch (problem) {
      setMessage(problemMessage(problem));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function scanned(text) {
    if (!text.startsWith(LINK_PREFIX)) return false;
    setScanning(false);
    setLink(text);
    return open(text);
  }

  return html`<form class="form" onSubmit=${(event) => { event.preventDefault(); open(link); }} noValidate>
    <${LiveMessage} kind="error" id="present-error">${message}</${LiveMessage}>
    <${Field} id="vp-link" label=${t('present.linkLabel')} hint=${t('present.linkHint')} error=${error}
      value=${link} onInput=${setLink} autocomplete="off" inputmode="url" />
    <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>${busy ? t('present.opening') : t('present.open')}</button>
    ${canScan && !scanning && html`<button type="button" class="button button--secondary button--block" onClick=${() => setScanning(true)}>${t('present.scan')}</button>`}
    ${scanning && html`<${QrScanner} onText=${scanned} onStop=${() => setScanning(false)} />`}
  </form>`;
}

// The claims an SD-JWT query lets the learner leave out, for the credentials chosen.
export function withholdable(request, chosen) {
  const queries = new Set(request.candidates.filter((c) => chosen.includes(c.credential_id)).map((c) => c.query_id));
  return [...new Set(request.asks.filter((ask) => queries.has(ask.id)).flatMap((ask) => ask.withholdable || []))];
}

function fieldName(claim) {
  const key = `share.disclose.field.${claim}`;
  const text = t(key);
  return text === key ? claim : text;
}

function RequestShown({ request, onDone }) {
  const [chosen, setChosen] = useState(request.candidates.length === 1 ? [request.candidates[0].credential_id] : []);
  const [consent, setConsent] = useState(false);
  const [withheld, setWithheld] = useState([]);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  useEffect(() => { if (heading.current) heading.current.focus(); }, []);
  const who = request.verifier_host || t('present.unknownVerifier');

  async function send(event) {
    event.preventDefault();
    if (busy) return;
    const found = {};
    if (chosen.length === 0) found.credential_ids = t('present.chooseOne');
    if (!consent) found.consent = t('present.consentMissing');
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setMessage('');
    try {
      await presentApi.answer(request.handle, chosen, withheld);
      onDone(t('present.sent', { who }));
    } catch (problem) {
      setErrors(problem.fieldErrors || {});
      setMessage(problemMessage(problem));
      setBusy(false);
    }
  }

  async function decline() {
    if (busy) return;
    setBusy(true);
    try {
      await presentApi.decline(request.handle);
      onDone(t('present.declined'));
    } catch (problem) {
      setMessage(problemMessage(problem));
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="request-title">
    <h2 id="request-title" tabindex="-1" ref=${heading}>${t('present.requestTitle', { who })}</h2>
    ${!request.verifier_host && html`<p class="muted">${t('present.unknownHint')}</p>`}
    ${request.verifier_name && html`<p>${t('present.callsItself', { name: request.verifier_name })}</p>`}
    <p class="muted">${t('present.answerGoesTo', { host: request.response_host })}</p>
    <h3>${t('present.asksFor')}</h3>
    <ul>${[...new Set(request.asks.map(askText))].map((text) => html`<li>${text}</li>`)}</ul>
    <${LiveMessage} kind="error" id="answer-error">${message}</${LiveMessage}>
    <form class="form" onSubmit=${send} noValidate>
      <fieldset class="share-pick" id="vp-credentials" aria-describedby=${errors.credential_ids ? 'vp-credentials-error' : undefined}>
        <legend>${t('present.pick')}</legend>
        ${errors.credential_ids && html`<p class="field__error" id="vp-credentials-error">${errors.credential_ids}</p>`}
        ${request.candidates.length === 0
          ? html`<p class="muted">${t('present.noneFits')}</p>`
          : html`<ul class="share-options">${request.candidates.map((c) => html`<li key=${c.credential_id}>
              <label class="option" for=${`vp-credential-${c.credential_id}`}>
                <input type="checkbox" id=${`vp-credential-${c.credential_id}`} checked=${chosen.includes(c.credential_id)}
                  onChange=${() => setChosen((list) => toggle(list, c.credential_id))} />
                <span class="option__text">
                  <span class="option__name">${c.title || t('dossier.untitled')}</span>
                  ${c.issuer_name && html`<span class="option__detail">${c.issuer_name}</span>`}
                </span>
              </label>
            </li>`)}</ul>`}
      </fieldset>
      ${withholdable(request, chosen).length > 0 && html`<fieldset class="share-disclose" id="vp-withhold"
        aria-describedby=${errors.withhold ? 'vp-withhold-error' : 'vp-withhold-hint'}>
        <legend>${t('present.disclose')}</legend>
        <p class="field__hint" id="vp-withhold-hint">${t('present.discloseHint')}</p>
        ${errors.withhold && html`<p class="field__error" id="vp-withhold-error">${errors.withhold}</p>`}
        <ul class="share-options">${withholdable(request, chosen).map((claim) => html`<li key=${claim}>
          <label class="option" for=${`vp-show-${claim}`}>
            <input type="checkbox" id=${`vp-show-${claim}`} checked=${!withheld.includes(claim)}
              onChange=${() => setWithheld((list) => toggle(list, claim))} />
            <span class="option__text"><span class="option__name">${fieldName(claim)}</span></span>
          </label></li>`)}</ul>
      </fieldset>`}
      <div class=${errors.consent ? 'field field--invalid' : 'field'}>
        <label class="option" for="vp-consent">
          <input type="checkbox" id="vp-consent" checked=${consent} onChange=${() => setConsent(!consent)}
            aria-describedby=${errors.consent ? 'vp-consent-error' : undefined} />
          <span class="option__text">${t('present.consent', { who })}</span>
        </label>
        ${errors.consent && html`<p class="field__error" id="vp-consent-error">${errors.consent}</p>`}
      </div>
      ${request.candidates.length > 0 && html`<button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>${t('present.send')}</button>`}
      <button type="button" class="button button--secondary button--block" onClick=${decline}>${t('present.decline')}</button>
    </form>
  </section>`;
}

/** Where the learner's credentials were shown through OpenID4VP (the audit trail has more). */
function ShownBefore({ timeZone }) {
  const [sent, setSent] = useState(null);
  useEffect(() => {
    let live = true;
    presentApi.sent().then((list) => live && setSent(list)).catch(() => live && setSent([]));
    return () => { live = false; };
  }, []);
  if (!sent || sent.length === 0) return null;
  return html`<section class="card" aria-labelledby="shown-title">
    <h2 id="shown-title">${t('present.shownTitle')}</h2>
    <ul class="shown-list">${sent.map((item) => html`<li key=${item.id}>
      ${t('present.shownItem', { count: item.credential_ids.length, host: item.response_host, date: formatDate(item.sent_at, timeZone, true) })}
      ${item.verifier_name && html` <span class="muted">(${item.verifier_name})</span>`}
    </li>`)}</ul>
  </section>`;
}

export function PresentView({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [request, setRequest] = useState(null);
  const [done, setDone] = useState('');
  return html`<section class="present" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('present.title')}</h1>
    <${LiveMessage} kind="status" id="present-status">${done}</${LiveMessage}>
    ${done && html`<p><${Link} href="/dossier">${t('present.backToDossier')}</${Link}></p>`}
    ${!done && !request && html`<p class="lead">${t('present.intro')}</p><${LinkForm} onOpened=${setRequest} />`}
    ${!done && request && html`<${RequestShown} request=${request} onDone=${setDone} />`}
    ${!request && html`<${ShownBefore} timeZone=${timeZone} />`}
  </section>`;
}
