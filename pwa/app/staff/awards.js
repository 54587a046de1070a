// Awards: staff give a block's achievement to one learner or to a CSV of completions (all or
// nothing, each refused line named), and see, download and revoke what the school issued.
import { html, useEffect, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Field, LiveMessage, SelectField } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { FileField, TextArea } from '../dossier/parts.js';
import { awardsApi } from './school-api.js';
import { LineErrors, ReasonDialog, StaffPage, when } from './school-parts.js';
import { OfferPanel } from './offer.js';

const FORMS = ['json', 'jwt', 'png'];

function AwardOne({ slug, achievements, onIssued }) {
  const [blockId, setBlockId] = useState('');
  const [email, setEmail] = useState('');
  const [completedOn, setCompletedOn] = useState('');
  const [selective, setSelective] = useState(false);
  const [grade, setGrade] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [evidence, setEvidence] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const found = {};
    if (!blockId) found.block_id = t('validation.required');
    if (!email.trim()) found.email = t('validation.required');
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      document.getElementById(found.block_id ? 'award-block' : 'award-email').focus();
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const body = { block_id: Number(blockId), email: email.trim() };
      if (completedOn) body.completed_on = completedOn;
      if (selective) {
        body.proof = 'dc+sd-jwt';
        if (grade.trim()) body.grade = grade.trim();
        if (birthDate) body.birth_date = birthDate;
        const items = evidence.split('\n').map((line) => line.trim()).filter(Boolean);
        if (items.length) body.evidence = items;
      }
      const issued = await awardsApi.award(slug, body);
      setEmail('');
      setCompletedOn('');
      setGrade('');
      setBirthDate('');
      setEvidence('');
      onIssued(t('staffAwards.awarded', { name: issued.achievement_name, learner: issued.learner }));
    } catch (error) {
      setErrors(error.fieldErrors || {});
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const options = [{ value: '', label: t('staffAwards.chooseBlock') },
    ...achievements.map((item) => ({ value: String(item.block_id), label: `${item.code} · ${item.document.name}` }))];
  return html`<form class="card form" onSubmit=${submit} noValidate aria-labelledby="award-one-title">
    <h2 id="award-one-title">${t('staffAwards.oneTitle')}</h2>
    <${LiveMessage} kind="error" id="award-one-error" fromFields>${message}</${LiveMessage}>
    <${SelectField} id="award-block" label=${t('staffAwards.block')} value=${blockId} onChange=${setBlockId}
      options=${options} error=${errors.block_id} />
    <${Field} id="award-email" type="email" label=${t('staffAwards.email')} hint=${t('staffAwards.emailHint')}
      value=${email} onInput=${setEmail} error=${errors.email} autocomplete="off" />
    <${Field} id="award-completed" type="date" label=${t('staffAwards.completedOn')} value=${completedOn}
      onInput=${setCompletedOn} error=${errors.completed_on} />
    <div class="field">
      <label class="option" for="award-selective">
        <input type="checkbox" id="award-selective" checked=${selective} onChange=${() => setSelective(!selective)}
          aria-describedby="award-selective-hint" />
        <span class="option__text">${t('staffAwards.selective')}</span>
      </label>
      <p class="field__hint" id="award-selective-hint">${t('staffAwards.selectiveHint')}</p>
    </div>
    ${selective && html`<${Field} id="award-grade" label=${t('staffAwards.grade')} value=${grade} onInput=${setGrade}
        maxLength="20" error=${errors.grade} />
      <${Field} id="award-birth-date" type="date" label=${t('staffAwards.birthDate')} value=${birthDate}
        onInput=${setBirthDate} error=${errors.birth_date} />
      <${TextArea} id="award-evidence" rows="3" label=${t('staffAwards.evidence')}
        hint=${t('staffAwards.evidenceHint')} value=${evidence} onInput=${setEvidence}
        error=${errors.evidence} />`}
    <button type="submit" class="button button--primary" aria-disabled=${busy ? 'true' : undefined}>${t('staffAwards.awardButton')}</button>
  </form>`;
}

function AwardCsv({ slug, onIssued }) {
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [missing, setMissing] = useState('');
  const [selective, setSelective] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setMissing(t('staffSchool.fileMissing'));
      document.getElementById('award-csv').focus();
      return;
    }
    setMissing('');
    setBusy(true);
    setError(null);
    try {
      const result = await awardsApi.awardCsv(slug, file, selective ? 'dc+sd-jwt' : null);
      onIssued(t('staffAwards.csvIssued', { count: result.count }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return html`<form class="card form" onSubmit=${submit} noValidate aria-labelledby="award-csv-title">
    <h2 id="award-csv-title">${t('staffAwards.csvTitle')}</h2>
    <p class="muted">${t('staffAwards.csvIntro')}</p>
    <${LiveMessage} kind="error" id="award-csv-error">${error && html`${problemMessage(error)}<${LineErrors} error=${error} />`}</${LiveMessage}>
    <${FileField} id="award-csv" label=${t('staffSchool.csvFile')} accept=".csv,text/csv" onChange=${setFile} error=${missing} />
    <div class="field">
      <label class="option" for="award-csv-selective">
        <input type="checkbox" id="award-csv-selective" checked=${selective} onChange=${() => setSelective(!selective)}
          aria-describedby="award-csv-selective-hint" />
        <span class="option__text">${t('staffAwards.selective')}</span>
      </label>
      <p class="field__hint" id="award-csv-selective-hint">${t('staffAwards.csvSelectiveHint')}</p>
    </div>
    <button type="submit" class="button button--primary" aria-disabled=${busy ? 'true' : undefined}>${t('staffAwards.csvButton')}</button>
  </form>`;
}

function IssuedItem({ slug, row, onRevoke }) {
  const locale = getLocale();
  const [offering, setOffering] = useState(false);
  const offerable = !row.revoked_at && row.learner;
  return html`<li class="staff-item">
    <div class="staff-item__head">
      <h3 class="staff-item__title">${row.achievement_name}</h3>
      <span class=${row.revoked_at ? 'badge badge--todo' : 'badge badge--ok'}>${t(row.revoked_at ? 'staffAwards.revoked' : 'staffAwards.valid')}</span>
    </div>
    <p class="muted">${row.learner || t('staffAwards.erased')} · ${t('staffAwards.issuedOn', { date: when(row.issued_at, locale) })}</p>
    ${row.revoked_at && html`<p>${t('staffAwards.revokedBecause', { date: when(row.revoked_at, locale), reason: row.revocation_reason })}</p>`}
    <p class="staff-item__actions">
      ${FORMS.map((form) => html`<a class="button button--secondary button--small" href=${awardsApi.downloadUrl(slug, row.id, form)} download
        aria-label=${t('staffAwards.downloadLabel', { form: form.toUpperCase(), name: row.achievement_name, learner: row.learner || '' })}>${form.toUpperCase()}</a>`)}
      ${!row.revoked_at && html`<button type="button" class="button button--danger button--small" onClick=${() => onRevoke(row)}
        aria-label=${t('staffAwards.revokeLabel', { name: row.achievement_name, learner: row.learner || '' })}>${t('staffAwards.revoke')}</button>`}
      ${offerable && html`<button type="button" class="button button--secondary button--small" onClick=${() => setOffering(!offering)}
        aria-expanded=${offering ? 'true' : 'false'} aria-controls=${offering ? `offer-${row.id}` : undefined}
        aria-label=${t('staffAwards.offerButtonLabel', { name: row.achievement_name, learner: row.learner })}>${t('staffAwards.offerButton')}</button>`}
    </p>
    ${offerable && offering && html`<${OfferPanel} slug=${slug} row=${row} />`}
  </li>`;
}

export default function AwardsView({ institution }) {
  const slug = institution && institution.slug;
  const [achievements, setAchievements] = useState(null);
  const [issued, setIssued] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [revoking, setRevoking] = useState(null);
  const [revokeError, setRevokeError] = useState('');
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      const [found, list] = await Promise.all([awardsApi.achievements(slug), awardsApi.issued(slug)]);
      setAchievements(found);
      setIssued(list);
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  useEffect(() => {
    if (slug) load();
    else setMessage(t('staffSchool.noInstitution'));
  }, [slug]);

  async function issuedNow(text) {
    setStatus(text);
    setIssued(await awardsApi.issued(slug));
  }

  async function revoke(reason) {
    if (busy) return;
    setBusy(true);
    setRevokeError('');
    try {
      const row = await awardsApi.revoke(slug, revoking.id, reason);
      setRevoking(null);
      setStatus(t('staffAwards.revokedNow', { name: row.achievement_name, learner: row.learner || '' }));
      setIssued(await awardsApi.issued(slug));
    } catch (error) {
      setRevokeError(error.fieldErrors && error.fieldErrors.reason ? error.fieldErrors.reason : problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return html`<${StaffPage} intro="staffAwards.intro">
    <${LiveMessage} kind="error" id="awards-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="awards-status">${status}</${LiveMessage}>
    ${!achievements && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${achievements && html`<div class="staff-columns">
      <${AwardOne} slug=${slug} achievements=${achievements} onIssued=${issuedNow} />
      <${AwardCsv} slug=${slug} onIssued=${issuedNow} />
    </div>`}
    ${issued && html`<section class="card" aria-labelledby="issued-title">
      <h2 id="issued-title">${t('staffAwards.issuedTitle', { count: issued.length })}</h2>
      ${issued.length === 0 && html`<p class="muted">${t('staffAwards.none')}</p>`}
      <ul class="staff-list">
        ${issued.map((row) => html`<${IssuedItem} key=${row.id} slug=${slug} row=${row} onRevoke=${(chosen) => { setRevokeError(''); setRevoking(chosen); }} />`)}
      </ul>
    </section>`}
    <${ReasonDialog} open=${Boolean(revoking)} busy=${busy} error=${revokeError}
      title=${revoking ? t('staffAwards.revokeTitle', { name: revoking.achievement_name, learner: revoking.learner || '' }) : ''}
      body=${t('staffAwards.revokeBody')} confirmLabel=${t('staffAwards.revoke')}
      onConfirm=${revoke} onCancel=${() => setRevoking(null)} />
  </${StaffPage}>`;
}
