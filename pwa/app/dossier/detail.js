// One credential: every field the issuer gave (for microcredentials the study load in EC,
// the NLQF/EQF level, learning outcomes, assessment), and the checks in plain words.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { LiveMessage, Icon } from '../core/components.js';
import { Link, navigate } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { dossierApi, setNotice, takeNotice } from './api.js';
import { BadgeImage, Progress, StatusBadge, credentialTitle, formatAge, formatDate, formatNumber, issuerName } from './parts.js';

// Skipped checks get no icon: "not checked" is neither good nor bad.
const OUTCOME_ICON = { pass: 'check', warn: 'alert', fail: 'alert', skipped: 'none' };

function Row({ label, children }) {
  if (children === null || children === undefined || children === '' || children === false) return null;
  return html`<div class="fields__row"><dt>${label}</dt><dd>${children}</dd></div>`;
}

function safeLink(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

// Whether the issuer is in the installation's signed list of trusted issuers; an unknown
// issuer is said plainly.
function issuerTrust(found) {
  if (!found) return null;
  const status = found.status === 'mbo' || found.status === 'trusted' ? found.status : 'unknown';
  if (status !== 'unknown') return `${t(`dossier.trust.${status}`)}${found.name ? ` (${found.name})` : ''}`;
  return found.list ? t('dossier.trust.unknown', { list: found.list }) : t('dossier.trust.noList');
}

function Fields({ credential, timeZone }) {
  const summary = credential.summary || {};
  const achievement = summary.achievement || {};
  const outcomes = achievement.learning_outcomes || [];
  const issuerUrl = safeLink(summary.issuer_url) || safeLink(summary.issuer_id);
  const isMicro = achievement.ec != null || achievement.nlqf_level || achievement.eqf_level || outcomes.length > 0;
  return html`<dl class="fields">
    <${Row} label=${t('dossier.field.kind')}>${t(`dossier.kind.${credential.kind}`)}${isMicro ? ` · ${t('dossier.microcredential')}` : ''}</${Row}>
    <${Row} label=${t('dossier.field.issuer')}>${issuerName(summary)}${issuerUrl && html`<br /><a href=${issuerUrl} rel="noopener noreferrer" target="_blank">${issuerUrl}</a>`}</${Row}>
    <${Row} label=${t('dossier.field.issuerTrust')}>${issuerTrust(credential.issuer_trust)}</${Row}>
    <${Row} label=${t('dossier.field.description')}>${summary.description || achievement.description}</${Row}>
    <${Row} label=${t('dossier.field.ec')}>${achievement.ec != null ? t('dossier.ecValue', { ec: formatNumber(achievement.ec) }) : null}</${Row}>
    <${Row} label=${t('dossier.field.hours')}>${achievement.study_load_hours != null ? t('dossier.hoursValue', { hours: formatNumber(achievement.study_load_hours) }) : null}</${Row}>
    <${Row} label=${t('dossier.field.nlqf')}>${achievement.nlqf_level}</${Row}>
    <${Row} label=${t('dossier.field.eqf')}>${achievement.eqf_level}</${Row}>
    <${Row} label=${t('dossier.field.outcomes')}>${outcomes.length > 0 && html`<ul class="fields__list">${outcomes.map((o) => html`<li>${o}</li>`)}</ul>`}</${Row}>
    <${Row} label=${t('dossier.field.assessment')}>${achievement.assessment}</${Row}>
    <${Row} label=${t('dossier.field.criteria')}>${achievement.criteria_html
      // Rendered and sanitised by the server (Markdown to an allow-list of tags, no scripts).
      ? html`<div class="markdown" dangerouslySetInnerHTML=${{ __html: achievement.criteria_html }} />`
      : achievement.criteria}</${Row}>
    <${Row} label=${t('dossier.field.type')}>${achievement.achievement_type}</${Row}>
    <${Row} label=${t('dossier.field.programme')}>${achievement.education_program_id}</${Row}>
    <${Row} label=${t('dossier.field.issuedOn')}>${formatDate(summary.issued_on, timeZone)}</${Row}>
    <${Row} label=${t('dossier.field.validity')}>${summary.expires_on ? t('dossier.validUntil', { date: formatDate(summary.expires_on, timeZone) }) : t('dossier.noExpiry')}</${Row}>
    <${Row} label=${t('dossier.field.format')}>${t(`dossier.format.${credential.format}`)}</${Row}>
    <${Row} label=${t('dossier.field.id')}><span class="fields__code">${summary.credential_id}</span></${Row}>
  </dl>`;
}

/** An SD-JWT credential's own fields (the learner's copy holds them all) and, per field, whether
 * the learner can leave it out when sharing: said in words, not only shown. */
function HeldFields({ fields }) {
  return html`<dl class="fields held-fields">
    ${fields.map((field) => html`<div class="fields__row">
      <dt>${t(`share.disclose.field.${field.name}`)}</dt>
      <dd>${Array.isArray(field.value)
        ? html`<ul class="fields__list">${field.value.map((item) => html`<li>${item}</li>`)}</ul>`
        : field.value}
        <span class="muted held-fields__note">${t(field.withholdable ? 'dossier.held.withholdable' : 'dossier.held.alwaysShown')}</span></dd>
    </div>`)}
  </dl>`;
}

/** When the document a check used was read (a did:web document or a status list, kept for
 * offline use): its age in words, the exact moment on hover and for screen readers. */
function CheckedAt({ iso, timeZone }) {
  if (!iso) return null;
  const moment = formatDate(iso, timeZone, true);
  return html`<p class="check__age muted"><time datetime=${iso} title=${moment}>${t('dossier.checkedAgo', { age: formatAge(iso) })}</time>
    <span class="visually-hidden"> (${moment})</span></p>`;
}

function Checks({ checks, timeZone }) {
  return html`<ul class="checks">
    ${checks.map((check) => html`<li class=${`check check--${check.outcome}`}>
      <${Icon} name=${OUTCOME_ICON[check.outcome] || 'alert'} className="icon icon--small check__icon" />
      <div>
        <p class="check__name"><strong>${t(`dossier.check.${check.id}`)}</strong>: <span>${t(`dossier.outcome.${check.outcome}`)}</span></p>
        <p class="check__message">${check.message}</p>
        <${CheckedAt} iso=${check.params && check.params.checked_at} timeZone=${timeZone} />
      </div>
    </li>`)}
  </ul>`;
}

export function CredentialDetailView({ user, credentialId }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [credential, setCredential] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState(takeNotice);
  const [busy, setBusy] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [downloads, setDownloads] = useState(null);
  const confirmRef = useRef(null);
  const deleteRef = useRef(null);

  useEffect(() => {
    let live = true;
    dossierApi.credential(credentialId).then((found) => live && setCredential(found))
      .catch((error) => { if (live) { setCredential(false); setMessage(problemMessage(error)); } });
    // Only credentials issued here have other forms: ask which ones, not each (a 404 otherwise).
    dossierApi.issuedCredentials().then((issued) => {
      const found = (issued || []).find((item) => String(item.credential_id) === String(credentialId));
      if (live && found) setDownloads(found.downloads);
    }).catch(() => {});
    return () => { live = false; };
  }, [credentialId]);

  // Focus follows the confirmation: onto "Yes, delete", and back to "Delete" on cancel.
  const askedBefore = useRef(false);
  useEffect(() => {
    if (confirming && confirmRef.current) confirmRef.current.focus();
    if (!confirming && askedBefore.current && deleteRef.current) deleteRef.current.focus();
    askedBefore.current = confirming;
  }, [confirming]);

  async function verifyAgain() {
    if (busy) return;
    setMessage('');
    setStatus('');
    setBusy(t('dossier.detail.verifying'));
    try {
      const updated = await dossierApi.verify(credentialId);
      setCredential(updated);
      setStatus(t('dossier.detail.verified', { status: t(`dossier.status.${updated.verification.status}`) }));
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy('');
    }
  }

  async function remove() {
    if (busy) return;
    setBusy(t('dossier.detail.deleting'));
    setMessage('');
    try {
      await dossierApi.remove(credentialId);
      setNotice(t('dossier.detail.deleted'));
      navigate('/dossier');
    } catch (error) {
      setBusy('');
      setConfirming(false);
      setMessage(problemMessage(error));
    }
  }

  const summary = (credential && credential.summary) || {};
  const verification = (credential && credential.verification) || {};
  const title = credential ? credentialTitle(summary) : t('dossier.detail.title');
  return html`<article class="credential-detail" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <div class="credential-detail__head">
      ${credential && html`<${BadgeImage} credential=${credential} size="large" />`}
      <div>
        <h1 id="page-title" tabindex="-1">${title}</h1>
        ${credential && html`<${StatusBadge} status=${verification.status} />`}
        ${verification.checked_at && html`<p class="muted">${t('dossier.lastVerified', { date: formatDate(verification.checked_at, timeZone, true) })}</p>`}
      </div>
    </div>
    <${LiveMessage} kind="error" id="detail-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="detail-status">${status}</${LiveMessage}>
    <${Progress} label=${busy} />
    ${credential === null && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${credential && html`
      <section class="card" aria-labelledby="fields-title">
        <h2 id="fields-title">${t('dossier.detail.fields')}</h2>
        <${Fields} credential=${credential} timeZone=${timeZone} />
      </section>
      ${credential.held_fields && credential.held_fields.length > 0 && html`<section class="card" aria-labelledby="held-title">
        <h2 id="held-title">${t('dossier.held.title')}</h2>
        <p class="muted">${t('dossier.held.intro')}</p>
        <${HeldFields} fields=${credential.held_fields} />
      </section>`}
      <section class="card" aria-labelledby="checks-title">
        <h2 id="checks-title">${t('dossier.detail.checks')}</h2>
        <p class="muted checks__summary">${t(`dossier.statusExplained.${verification.status}`)}</p>
        <${Checks} checks=${verification.checks || []} timeZone=${timeZone} />
        <button type="button" class="button button--secondary button--block" onClick=${verifyAgain} aria-disabled=${busy ? 'true' : undefined}>
          ${t('dossier.detail.verifyAgain')}
        </button>
      </section>
      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">${t('dossier.detail.actions')}</h2>
        <p><${Link} class="button button--primary button--block" href=${`/dossier/share?credential=${credential.id}`}>${t('share.shareThis')}</${Link}></p>
        <p><a class="button button--secondary button--block" href=${credential.original_url} download="">${t('dossier.detail.download')}</a></p>
        ${downloads && html`<p class="muted">${t('dossier.detail.downloadsIssued')}</p>
          <ul class="downloads">${Object.entries(downloads).map(([form, url]) => html`<li>
            <a href=${url} download="">${t('dossier.detail.downloadAs', { form: form.toUpperCase() })}</a></li>`)}</ul>`}
        ${confirming
          ? html`<div class="confirm" role="group" aria-labelledby="confirm-text">
              <p id="confirm-text">${t('dossier.detail.confirmDelete', { title })}</p>
              <div class="confirm__actions">
                <button type="button" ref=${confirmRef} class="button button--danger" onClick=${remove}>${t('dossier.detail.confirmYes')}</button>
                <button type="button" class="button button--secondary" onClick=${() => setConfirming(false)}>${t('dossier.detail.confirmNo')}</button>
              </div>
            </div>`
          : html`<button type="button" ref=${deleteRef} class="button button--secondary button--block" onClick=${() => setConfirming(true)}>${t('dossier.detail.delete')}</button>`}
      </section>`}
  </article>`;
}
