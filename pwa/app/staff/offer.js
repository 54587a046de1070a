// Offering an issued award to the learner's wallet (OpenID4VCI): staff make an offer and get
// its QR code and link to show or pass on; the server mails the link to the learner, and the
// transaction code, when asked for, in a separate mail.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { awardsApi } from './school-api.js';

/** The server's QR code as an image address: drawn by the browser as an image, never put into
 * the page as markup. */
export function svgImage(svg) {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  bytes.forEach((byte) => {
    binary += String.fromCharCode(byte);
  });
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** A moment in the staff member's own time zone and language. */
function localMoment(iso, locale) {
  try {
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function OfferMade({ id, offer, learner }) {
  const [copied, setCopied] = useState('');
  const field = useRef(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(offer.offer_uri);
      setCopied(t('staffAwards.offerCopied'));
    } catch {
      if (field.current) {
        field.current.focus();
        field.current.select();
      }
      setCopied(t('staffAwards.offerCopyByHand'));
    }
  }

  return html`<div class="offer-made">
    <img class="offer-made__qr" src=${svgImage(offer.qr_svg)} width="200" height="200"
      alt=${t('staffAwards.offerQrAlt', { learner })} />
    <div class="offer-made__facts">
      <div class="field">
        <label for=${`${id}-link`}>${t('staffAwards.offerLink')}</label>
        <input ref=${field} id=${`${id}-link`} type="url" readonly value=${offer.offer_uri}
          onFocus=${(event) => event.currentTarget.select()} />
      </div>
      <button type="button" class="button button--secondary button--small" onClick=${copy}>${t('staffAwards.offerCopy')}</button>
      <${LiveMessage} kind="status" id=${`${id}-copied`}>${copied}</${LiveMessage}>
      <p>${t('staffAwards.offerExpires', { date: localMoment(offer.expires_at, getLocale()) })}</p>
      <p>${t(offer.tx_code_required ? 'staffAwards.offerTxMailed' : 'staffAwards.offerNoTx', { learner })}</p>
    </div>
  </div>`;
}

/** The offer part of one issued award: with or without a transaction code, then the offer. */
export function OfferPanel({ slug, row }) {
  const id = `offer-${row.id}`;
  const [txCode, setTxCode] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [offer, setOffer] = useState(null);
  const [made, setMade] = useState('');

  useEffect(() => {
    if (error) document.getElementById(`${id}-error`).focus();
  }, [error]);

  async function make() {
    if (busy) return;
    setBusy(true);
    setError('');
    setMade('');
    try {
      setOffer(await awardsApi.offer(slug, row.id, txCode));
      setMade(t('staffAwards.offerMade', { learner: row.learner || '' }));
    } catch (failure) {
      setOffer(null);
      setError(problemMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const learner = row.learner || '';
  return html`<div class="offer" id=${id} role="group" aria-label=${t('staffAwards.offerButtonLabel', { name: row.achievement_name, learner })}>
    <p class="muted">${t('staffAwards.offerIntro', { learner })}</p>
    <label class="checkbox" for=${`${id}-tx`}>
      <input type="checkbox" id=${`${id}-tx`} checked=${txCode} onChange=${(event) => setTxCode(event.currentTarget.checked)} />
      <span>${t('staffAwards.offerTxCode')}</span>
    </label>
    <p><button type="button" class="button button--primary button--small" onClick=${make}
      aria-disabled=${busy ? 'true' : undefined}>${t(offer ? 'staffAwards.offerAgain' : 'staffAwards.offerMake')}</button></p>
    <${LiveMessage} kind="error" id=${`${id}-error`}>${error}</${LiveMessage}>
    <${LiveMessage} kind="status" id=${`${id}-status`}>${made}</${LiveMessage}>
    ${offer && html`<${OfferMade} id=${id} offer=${offer} learner=${learner} />`}
  </div>`;
}
