// A self-declared experience item (role, employer, period, description) with an optional
// evidence file: for recognition of prior learning. Always labelled as self-declared.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Field, LiveMessage, Icon } from '../core/components.js';
import { Link, navigate } from '../core/router.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';
import { dossierApi, setNotice } from './api.js';
import { FileField, Progress, TextArea } from './parts.js';

export const EVIDENCE_ACCEPT = 'application/pdf,image/png,image/jpeg,image/webp,image/heic,.pdf,.heic';

export function ExperienceFormView({ itemId }) {
  const editing = itemId !== null;
  const [item, setItem] = useState(editing ? null : {});
  const [role, setRole] = useState('');
  const [employer, setEmployer] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [description, setDescription] = useState('');
  const [file, setFile] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState('');
  const form = useRef(null);

  useEffect(() => {
    if (!editing) return undefined;
    let live = true;
    dossierApi.experienceItem(itemId).then((found) => {
      if (!live) return;
      setItem(found);
      setRole(found.role);
      setEmployer(found.employer || '');
      setStart(found.start_date || '');
      setEnd(found.end_date || '');
      setDescription(found.description || '');
    }).catch((error) => { if (live) { setItem(false); setMessage(problemMessage(error)); } });
    return () => { live = false; };
  }, [itemId]);

  async function save(event) {
    event.preventDefault();
    if (busy) return;
    const found = check([['role', role, 'required'], ['start_date', start, 'required']]);
    if (!found.end_date && end && start && end < start) found.end_date = t('dossier.experience.endBeforeStart');
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    setBusy(t('profile.saving'));
    setMessage('');
    const fields = { role: role.trim(), employer: employer.trim(), start_date: start, end_date: end || null, description: description.trim() };
    try {
      const saved = editing ? await dossierApi.updateExperience(itemId, fields) : await dossierApi.createExperience(fields);
      if (file) await dossierApi.attachEvidence(saved.id, file);
      setNotice(t('dossier.experience.saved'));
      navigate('/dossier');
    } catch (error) {
      setBusy('');
      const fieldErrors = error.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  async function act(call, notice) {
    if (busy) return;
    setBusy(t('profile.saving'));
    setMessage('');
    try {
      await call();
      setNotice(notice);
      navigate('/dossier');
    } catch (error) {
      setBusy('');
      setMessage(problemMessage(error));
    }
  }

  const disabled = busy ? 'true' : undefined;
  return html`<section class="experience-form" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t(editing ? 'dossier.experience.editTitle' : 'dossier.experience.newTitle')}</h1>
    <p class="self-declared self-declared--block"><${Icon} name="profile" className="icon icon--small" /> <span>${t('dossier.experience.selfDeclaredExplained')}</span></p>
    <${LiveMessage} kind="error" id="experience-error">${message}</${LiveMessage}>
    <${Progress} label=${busy} />
    ${item === null && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${item && html`<form ref=${form} class="card form" onSubmit=${save} novalidate>
      <${Field} id="role" label=${t('dossier.experience.role')} value=${role} onInput=${setRole} error=${errors.role} maxlength="200" required />
      <${Field} id="employer" label=${t('dossier.experience.employer')} hint=${t('dossier.experience.employerHint')} value=${employer} onInput=${setEmployer} error=${errors.employer} maxlength="200" />
      <div class="form__pair">
        <${Field} id="start_date" type="date" label=${t('dossier.experience.start')} value=${start} onInput=${setStart} error=${errors.start_date} required />
        <${Field} id="end_date" type="date" label=${t('dossier.experience.end')} hint=${t('dossier.experience.endHint')} value=${end} onInput=${setEnd} error=${errors.end_date} />
      </div>
      <${TextArea} id="description" label=${t('dossier.experience.description')} hint=${t('dossier.experience.descriptionHint')} value=${description} onInput=${setDescription} error=${errors.description} maxlength="4000" />
      ${item.evidence && html`<p class="evidence">
        ${t('dossier.experience.evidenceNow')} <a href=${dossierApi.evidenceUrl(item.id)} download="">${item.evidence.name}</a>
        <button type="button" class="button button--small-secondary" onClick=${() => act(() => dossierApi.removeEvidence(item.id), t('dossier.experience.evidenceRemoved'))}>${t('dossier.experience.removeEvidence')}</button>
      </p>`}
      <${FileField} id="evidence" label=${t(item.evidence ? 'dossier.experience.replaceEvidence' : 'dossier.experience.evidence')} hint=${t('dossier.experience.evidenceHint')}
        accept=${EVIDENCE_ACCEPT} error=${errors.file} onChange=${setFile} />
      <button type="submit" class="button button--primary button--block" aria-disabled=${disabled}>${t('profile.save')}</button>
      ${editing && html`<button type="button" class="button button--secondary button--block" aria-disabled=${disabled}
        onClick=${() => act(() => dossierApi.removeExperience(itemId), t('dossier.experience.deleted'))}>${t('dossier.experience.delete')}</button>`}
    </form>`}
  </section>`;
}
