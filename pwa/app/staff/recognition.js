// Recognition requests (EVC): the learner's self-declared experience and its evidence file,
// approved or refused with a reason the learner reads; an approved block drops out of their
// route when they plan it.
import { html, useEffect, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { StatusBadge, TextArea } from '../dossier/parts.js';
import { recognitionApi } from './school-api.js';
import { ServerScope, StaffPage, when } from './school-parts.js';

function Experience({ request }) {
  const locale = getLocale();
  const item = request.experience;
  const period = item.end_date
    ? t('staffRecognition.period', { start: when(item.start_date, locale), end: when(item.end_date, locale) })
    : t('staffRecognition.since', { start: when(item.start_date, locale) });
  return html`<div class="evidence">
    <p><strong>${item.role}</strong>${item.employer && html` · ${item.employer}`} · ${period}</p>
    ${item.description && html`<p>${item.description}</p>`}
    ${item.evidence
      ? html`<p><a href=${recognitionApi.evidenceUrl(request.id)} download
          aria-label=${t('staffRecognition.evidenceLabel', { name: item.evidence.name, learner: request.learner })}>
          ${t('staffRecognition.evidence', { name: item.evidence.name })}</a></p>`
      : html`<p class="muted">${t('staffRecognition.noEvidence')}</p>`}
    <p class="muted">${t('staffRecognition.selfDeclared')}</p>
    ${(request.credentials || []).length > 0 && html`<h4>${t('staffRecognition.credentials')}</h4>
      <ul class="staff-list">${request.credentials.map((credential) => html`<li key=${credential.id}>
        ${credential.title}${credential.issuer && html` · ${credential.issuer}`}
        ${credential.status && html` · <${StatusBadge} status=${credential.status} />`}
      </li>`)}</ul>`}
  </div>`;
}

function Pending({ request, busy, onDecide }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const field = `reason-${request.id}`;

  function decide(approved) {
    if (!approved && reason.trim().length < 3) {
      setError(t('staffRecognition.reasonForRefusal'));
      document.getElementById(field).focus();
      return;
    }
    setError('');
    onDecide(request, approved, reason.trim(), setError);
  }

  return html`<li class="staff-item">
    <h3 class="staff-item__title">${t('staffRecognition.asks', { learner: request.learner, code: request.block.code, block: request.block.name })}</h3>
    <p class="muted">${t('staffRecognition.askedOn', { date: when(request.created_at, getLocale()) })}</p>
    <${Experience} request=${request} />
    <${TextArea} id=${field} label=${t('staffRecognition.reason')} hint=${t('staffRecognition.reasonHint')}
      value=${reason} onInput=${setReason} rows=${3} error=${error} maxlength="500" />
    <p class="staff-item__actions">
      <button type="button" class="button button--primary button--small" onClick=${() => decide(true)} aria-disabled=${busy ? 'true' : undefined}
        aria-label=${t('staffRecognition.approveLabel', { learner: request.learner, code: request.block.code })}>${t('staffRecognition.approve')}</button>
      <button type="button" class="button button--danger button--small" onClick=${() => decide(false)} aria-disabled=${busy ? 'true' : undefined}
        aria-label=${t('staffRecognition.refuseLabel', { learner: request.learner, code: request.block.code })}>${t('staffRecognition.refuse')}</button>
    </p>
  </li>`;
}

function Decided({ request }) {
  return html`<li class="staff-item">
    <div class="staff-item__head">
      <h3 class="staff-item__title">${request.learner} · ${request.block.code} ${request.block.name}</h3>
      <span class=${request.status === 'approved' ? 'badge badge--ok' : 'badge badge--todo'}>${t(`staffRecognition.status.${request.status}`)}</span>
    </div>
    <p class="muted">${t('staffRecognition.decidedOn', { date: when(request.decided_at, getLocale()) })}${request.decision_reason && html` · ${request.decision_reason}`}</p>
  </li>`;
}

export default function RecognitionView({ institution, role }) {
  const [requests, setRequests] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      setRequests(await recognitionApi.requests());
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  useEffect(() => { load(); }, []);

  async function decide(request, approved, reason, showError) {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await recognitionApi.decide(request.id, approved, reason);
      setStatus(t(approved ? 'staffRecognition.approved' : 'staffRecognition.refused', { learner: request.learner, code: request.block.code }));
      await load();
      const heading = document.getElementById('pending-title');
      if (heading) heading.focus();
    } catch (error) {
      if (error.fieldErrors && error.fieldErrors.reason) showError(error.fieldErrors.reason);
      else setMessage(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const pending = (requests || []).filter((request) => request.status === 'requested');
  const decided = (requests || []).filter((request) => request.status !== 'requested');
  return html`<${StaffPage} intro="staffRecognition.intro">
    <${ServerScope} institution=${institution} role=${role} />
    <${LiveMessage} kind="error" id="recognition-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="recognition-status">${status}</${LiveMessage}>
    ${!requests && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${requests && html`<section class="card" aria-labelledby="pending-title">
      <h2 id="pending-title" tabindex="-1">${t('staffRecognition.pendingTitle', { count: pending.length })}</h2>
      ${pending.length === 0 && html`<p class="muted">${t('staffRecognition.nonePending')}</p>`}
      <ul class="staff-list">${pending.map((request) => html`<${Pending} key=${request.id} request=${request} busy=${busy} onDecide=${decide} />`)}</ul>
    </section>
    ${decided.length > 0 && html`<section class="card" aria-labelledby="decided-title">
      <h2 id="decided-title">${t('staffRecognition.decidedTitle')}</h2>
      <ul class="staff-list">${decided.map((request) => html`<${Decided} key=${request.id} request=${request} />`)}</ul>
    </section>`}`}
  </${StaffPage}>`;
}
