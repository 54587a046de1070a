// The learner's share links: a section on the Dossier page (label, how long the link works,
// how often it was opened, one-tap withdraw) and a page per share (/dossier/shares/<id>)
// with its view log and a new expiry.
import { html, useEffect, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { Link, navigate } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { formatDate } from '../dossier/parts.js';
import { ConfirmDialog } from '../routes/ui.js';
import { shareApi, DEFAULT_EXPIRY } from './api.js';
import { ExpirySelect, LinkExpiry, StateBadge, credentialValidity, viewsText } from './parts.js';

function credentialCount(count) {
  return count === 1 ? t('share.credentialOne') : t('share.credentialCount', { count });
}

function ShareItem({ share, timeZone, onRevoke, busy }) {
  return html`<li class="share-item">
    <div class="share-item__head">
      <h3 class="share-item__title"><${Link} href=${`/dossier/shares/${share.id}`}>${share.label}</${Link}></h3>
      <${StateBadge} state=${share.state} />
    </div>
    <${LinkExpiry} share=${share} timeZone=${timeZone} />
    <p class="muted">${credentialCount((share.credentials || []).length)} · ${viewsText(share, timeZone)}</p>
    ${share.state === 'active' && html`<button type="button" class="button button--secondary button--small-secondary"
      onClick=${() => onRevoke(share)} aria-disabled=${busy ? 'true' : undefined}
      aria-label=${t('share.revokeLabel', { label: share.label })}>${t('share.revoke')}</button>`}
  </li>`;
}

/** "Intrekken?" before a link stops working for good: nothing brings it back. */
function RevokeDialog({ share, busy, onConfirm, onCancel }) {
  return html`<${ConfirmDialog} open=${Boolean(share)} busy=${busy}
    title=${share ? t('share.confirmRevokeTitle', { label: share.label }) : ''}
    confirmLabel=${t('share.confirmRevokeYes')} cancelLabel=${t('share.confirmRevokeNo')}
    onConfirm=${onConfirm} onCancel=${onCancel}>
    <p>${t('share.confirmRevokeBody')}</p>
  </${ConfirmDialog}>`;
}

/** The learner's share links; `loaded`: the list as the page already fetched it. */
export function SharesSection({ timeZone = DEFAULT_TIME_ZONE, loaded }) {
  const [shares, setShares] = useState(loaded === undefined ? null : loaded);
  const [status, setStatus] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(null); // the share whose revocation waits for a yes

  useEffect(() => {
    if (loaded !== undefined) return undefined;
    let live = true;
    shareApi.list().then((list) => live && setShares(list))
      .catch(() => live && setShares([]));
    return () => { live = false; };
  }, []);

  async function revoke(share) {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await shareApi.revoke(share.id);
      setShares(await shareApi.list());
      setStatus(t('share.revokedLabel', { label: share.label }));
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
      setAsking(null);
    }
  }

  return html`<section class="card" aria-labelledby="shares-title">
    <div class="section-head">
      <h2 id="shares-title">${t('share.sectionTitle')}</h2>
      <${Link} class="button button--primary" href="/dossier/share">${t('share.newButton')}</${Link}>
    </div>
    <p class="muted">${t('share.sectionIntro')}</p>
    <${LiveMessage} kind="error" id="shares-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="shares-status">${status}</${LiveMessage}>
    ${shares && shares.length === 0 && html`<p class="muted">${t('share.empty')}</p>`}
    ${shares && shares.length > 0 && html`<ul class="share-list">
      ${shares.map((share) => html`<${ShareItem} key=${share.id} share=${share} timeZone=${timeZone} onRevoke=${setAsking} busy=${busy} />`)}
    </ul>`}
    <${RevokeDialog} share=${asking} busy=${busy} onConfirm=${() => revoke(asking)} onCancel=${() => setAsking(null)} />
  </section>`;
}

export function ShareDetailView({ user, shareId }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [share, setShare] = useState(null);
  const [days, setDays] = useState(DEFAULT_EXPIRY);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    let live = true;
    shareApi.get(shareId).then((found) => live && setShare(found))
      .catch((error) => { if (live) { setShare(false); setMessage(problemMessage(error)); } });
    return () => { live = false; };
  }, [shareId]);

  async function act(work, done) {
    if (busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      await work();
      const fresh = await shareApi.get(shareId);
      setShare(fresh);
      setStatus(done(fresh));
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }

  const changeExpiry = (event) => {
    event.preventDefault();
    act(() => shareApi.changeExpiry(shareId, days),
      (fresh) => t('share.expiryChanged', { date: formatDate(fresh.expires_at, timeZone, true) }));
  };
  const revoke = () => act(() => shareApi.revoke(shareId), () => t('share.revoked'));

  return html`<article class="share-detail" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${share ? share.label : t('share.detailTitle')}</h1>
    <${LiveMessage} kind="error" id="share-detail-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="share-detail-status">${status}</${LiveMessage}>
    ${share === null && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${share && html`
      <section class="card" aria-labelledby="link-title">
        <h2 id="link-title">${t('share.linkHeading')}</h2>
        <${StateBadge} state=${share.state} />
        <${LinkExpiry} share=${share} timeZone=${timeZone} />
        <p class="muted">${t('share.linkNotShownAgain')}</p>
        ${share.state !== 'revoked' && html`<form class="form" onSubmit=${changeExpiry}>
          <${ExpirySelect} id="new-expiry" label=${t('share.changeExpiry')} value=${days} onChange=${setDays} />
          <button type="submit" class="button button--secondary button--block" aria-disabled=${busy ? 'true' : undefined}>${t('share.changeExpiryButton')}</button>
        </form>`}
        ${share.state === 'active' && html`<p><button type="button" class="button button--danger button--block" onClick=${() => setAsking(true)} aria-disabled=${busy ? 'true' : undefined}>${t('share.revoke')}</button></p>`}
      </section>
      <section class="card" aria-labelledby="contents-title">
        <h2 id="contents-title">${t('share.contents')}</h2>
        <ul class="share-contents">
          ${share.credentials.map((credential) => html`<li key=${credential.id}>
            <${Link} href=${`/dossier/${credential.id}`}>${credential.title || t('dossier.untitled')}</${Link}>
            <span class="muted"> · ${credentialValidity(credential.valid_until, timeZone)}</span>
          </li>`)}
          ${share.experience_items.map((item) => html`<li key=${`x${item.id}`}>${item.role} <span class="muted">· ${t('dossier.experience.selfDeclared')}</span></li>`)}
        </ul>
      </section>
      <section class="card" aria-labelledby="views-title">
        <h2 id="views-title">${t('share.viewLog')}</h2>
        <p>${viewsText(share, timeZone)}</p>
        ${share.views.length > 0 && html`<ol class="share-views">
          ${share.views.map((view) => html`<li>${formatDate(view.viewed_at, timeZone, true)}</li>`)}
        </ol>`}
        <p class="muted">${t('share.viewLogNote')}</p>
      </section>`}
    ${share === false && html`<p><button type="button" class="button button--secondary" onClick=${() => navigate('/dossier')}>${t('dossier.back')}</button></p>`}
    <${RevokeDialog} share=${asking && share} busy=${busy} onConfirm=${revoke} onCancel=${() => setAsking(false)} />
  </article>`;
}
