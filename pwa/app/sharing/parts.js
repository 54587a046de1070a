// Pieces of the sharing views. A share's *link* expiry always reads "Link works until …"
// with a link icon; a credential's own expiry always reads "Credential valid until …".
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { formatDate } from '../dossier/parts.js';
import { EXPIRY_CHOICES } from './api.js';
import { Icon } from '../core/components.js';

/** The link's state and expiry, e.g. "Link works until 12 March 2027, 14:00". */
export function LinkExpiry({ share, timeZone }) {
  let text;
  if (share.state === 'revoked') text = t('share.linkRevokedOn', { date: formatDate(share.revoked_at, timeZone, true) });
  else if (share.state === 'expired') text = t('share.linkExpiredOn', { date: formatDate(share.expires_at, timeZone, true) });
  else text = t('share.linkWorksUntil', { date: formatDate(share.expires_at, timeZone, true) });
  return html`<p class=${`link-expiry link-expiry--${share.state}`}>
    <${Icon} name="link" className="icon icon--small" /> <span>${text}</span>
  </p>`;
}

/** A credential's own validity, as its issuer set it. */
export function credentialValidity(validUntil, timeZone) {
  return validUntil ? t('share.credentialValidUntil', { date: formatDate(validUntil, timeZone) }) : t('share.credentialNoExpiry');
}

export function StateBadge({ state }) {
  const kind = state === 'active' ? 'ok' : 'bad';
  return html`<span class=${`status status--${kind}`}>
    <${Icon} name=${state === 'active' ? 'check' : 'alert'} className="icon icon--small" />
    <span>${t(`share.state.${state}`)}</span>
  </span>`;
}

export function viewsText(share, timeZone) {
  if (!share.view_count) return t('share.views.none');
  const date = formatDate(share.last_viewed_at, timeZone, true);
  return share.view_count === 1 ? t('share.views.one', { date }) : t('share.views.count', { count: share.view_count, date });
}

/** The expiry choice for a link, with the hint that it is about the link only. */
export function ExpirySelect({ id, value, onChange, label }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <p class="field__hint" id=${`${id}-hint`}>${t('share.expiryHint')}</p>
    <select id=${id} name=${id} value=${String(value)} aria-describedby=${`${id}-hint`}
      onChange=${(event) => onChange(Number(event.currentTarget.value))}>
      ${EXPIRY_CHOICES.map((days) => html`<option value=${String(days)}>${t(`share.days.${days}`)}</option>`)}
    </select>
  </div>`;
}

/** The QR code the server drew (SVG), shown as an image: CSP allows data: images. */
export function QrCode({ svg }) {
  if (!svg) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return html`<img class="share-qr" src=${src} alt=${t('share.qrAlt')} width="240" height="240" />`;
}
