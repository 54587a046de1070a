// Making a share link: pick credentials (and experience), say for whom, choose how long the
// link works. Then, once: the link to copy or send, its QR code, and LinkedIn buttons.
// Route: /dossier/share (optionally ?credential=<id> to start with one chosen).
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { Field, LiveMessage, Icon } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage, focusFirstInvalid } from '../core/forms.js';
import { dossierApi } from '../dossier/api.js';
import { StatusBadge, Progress, credentialTitle } from '../dossier/parts.js';
import { shareApi, DEFAULT_EXPIRY } from './api.js';
import { ExpirySelect, LinkExpiry, QrCode, credentialValidity } from './parts.js';

export function preselected() {
  const value = new URLSearchParams(location.search).get('credential');
  return value && /^\d+$/.test(value) ? [Number(value)] : [];
}

export function toggle(list, value) {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

export function CredentialChoice({ credential, checked, onToggle, timeZone, prefix = 'share' }) {
  const summary = credential.summary || {};
  const id = `${prefix}-credential-${credential.id}`;
  return html`<li>
    <label class="option" for=${id}>
      <input type="checkbox" id=${id} name="credential_ids" value=${credential.id} checked=${checked} onChange=${onToggle} />
      <span class="option__text">
        <span class="option__name">${credentialTitle(summary)}</span>
        ${summary.issuer_name && html`<span class="option__detail">${summary.issuer_name}</span>`}
        <span class="option__detail">${credentialValidity(summary.expires_on, timeZone)}</span>
        <${StatusBadge} status=${(credential.verification || {}).status} />
      </span>
    </label>
  </li>`;
}

export const DISCLOSABLE_FIELDS = ['learner_name', 'birth_date', 'completion_date', 'grade', 'evidence'];

// An SD-JWT credential's fields, each shown to the employer only when ticked (none by default).
export function DisclosureChoice({ credential, shown, onToggle }) {
  const fields = DISCLOSABLE_FIELDS.filter((field) => (credential.disclosable || []).includes(field));
  if (fields.length === 0) return null;
  const legend = `share-disclose-${credential.id}-legend`;
  return html`<fieldset class="share-disclose" aria-labelledby=${legend}>
    <legend id=${legend}>${t('share.disclose.legend', { title: credentialTitle(credential.summary || {}) })}</legend>
    <p class="field__hint">${t('share.disclose.hint')}</p>
    <ul class="share-options">${fields.map((field) => {
      const id = `share-disclose-${credential.id}-${field}`;
      return html`<li key=${field}><label class="option" for=${id}>
        <input type="checkbox" id=${id} name=${`disclose-${credential.id}`} value=${field}
          checked=${shown.includes(field)} onChange=${() => onToggle(field)} />
        <span class="option__text"><span class="option__name">${t(`share.disclose.field.${field}`)}</span></span>
      </label></li>`;
    })}</ul>
  </fieldset>`;
}

function ExperienceChoice({ item, checked, onToggle }) {
  const id = `share-experience-${item.id}`;
  return html`<li>
    <label class="option" for=${id}>
      <input type="checkbox" id=${id} name="experience_item_ids" value=${item.id} checked=${checked} onChange=${onToggle} />
      <span class="option__text">
        <span class="option__name">${item.role}</span>
        ${item.employer && html`<span class="option__detail">${item.employer}</span>`}
        <span class="option__detail">${t('dossier.experience.selfDeclared')}</span>
      </span>
    </label>
  </li>`;
}

function ShareForm({ timeZone, onCreated }) {
  const [credentials, setCredentials] = useState(null);
  const [experience, setExperience] = useState([]);
  const [chosen, setChosen] = useState(preselected);
  const [chosenItems, setChosenItems] = useState([]);
  const [disclose, setDisclose] = useState({});
  const [label, setLabel] = useState('');
  const [days, setDays] = useState(DEFAULT_EXPIRY);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef(null);

  useEffect(() => {
    let live = true;
    dossierApi.credentials().then((list) => live && setCredentials(list))
      .catch((error) => { if (live) { setCredentials([]); setMessage(problemMessage(error)); } });
    dossierApi.experience().then((list) => live && setExperience(list)).catch(() => {});
    return () => { live = false; };
  }, []);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const found = {};
    if (chosen.length === 0) found.credential_ids = t('share.chooseOne');
    if (!label.trim()) found.label = t('share.labelMissing');
    setErrors(found);
    setMessage('');
    if (Object.keys(found).length) {
      if (found.credential_ids) focusFromTheTop(document.getElementById('share-credentials'));
      else focusFirstInvalid(formRef.current, found);
      return;
    }
    setBusy(true);
    try {
      const fields = {};
      for (const credential of credentials) {
        if (chosen.includes(credential.id) && credential.disclosable) fields[credential.id] = disclose[credential.id] || [];
      }
      onCreated(await shareApi.create({ credential_ids: chosen, experience_item_ids: chosenItems, label: label.trim(), expires_in_days: days, disclose: fields }));
    } catch (error) {
      setErrors(error.fieldErrors || {});
      setMessage(problemMessage(error));
      setBusy(false);
    }
  }

  if (credentials === null) return html`<p class="loading" role="status">${t('app.loading')}</p>`;
  return html`<form class="form share-form" ref=${formRef} onSubmit=${submit} noValidate>
    <${LiveMessage} kind="error" id="share-error">${message}</${LiveMessage}>
    <fieldset class=${errors.credential_ids ? 'share-pick share-pick--invalid' : 'share-pick'} id="share-credentials" tabindex="-1"
      aria-describedby=${errors.credential_ids ? 'share-credentials-error' : undefined}>
      <legend>${t('share.pickCredentials')}</legend>
      ${errors.credential_ids && html`<p class="field__error" id="share-credentials-error"><${Icon} name="alert" className="icon icon--small" /> <span>${errors.credential_ids}</span></p>`}
      ${credentials.length === 0
        ? html`<p class="muted">${t('share.noCredentials')}</p>`
        : html`<ul class="share-options">${credentials.map((credential) => html`<${CredentialChoice} key=${credential.id}
            credential=${credential} timeZone=${timeZone} checked=${chosen.includes(credential.id)}
            onToggle=${() => setChosen((list) => toggle(list, credential.id))} />`)}</ul>`}
    </fieldset>
    ${credentials.filter((credential) => credential.disclosable && chosen.includes(credential.id)).map((credential) => html`<${DisclosureChoice}
      key=${`disclose-${credential.id}`} credential=${credential} shown=${disclose[credential.id] || []}
      onToggle=${(field) => setDisclose((all) => ({ ...all, [credential.id]: toggle(all[credential.id] || [], field) }))} />`)}
    ${experience.length > 0 && html`<fieldset class="share-pick">
      <legend>${t('share.pickExperience')}</legend>
      <ul class="share-options">${experience.map((item) => html`<${ExperienceChoice} key=${item.id} item=${item}
        checked=${chosenItems.includes(item.id)} onToggle=${() => setChosenItems((list) => toggle(list, item.id))} />`)}</ul>
    </fieldset>`}
    <${Field} id="label" label=${t('share.labelLabel')} hint=${t('share.labelHint')} error=${errors.label}
      value=${label} onInput=${setLabel} maxLength="120" autocomplete="off" />
    <${ExpirySelect} id="expires_in_days" label=${t('share.expiryLabel')} value=${days} onChange=${setDays} />
    <${Progress} label=${busy ? t('share.creating') : ''} />
    <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>${t('share.submit')}</button>
  </form>`;
}

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function ShareCreated({ share, timeZone }) {
  const [status, setStatus] = useState('');
  const inputRef = useRef(null);
  const headingRef = useRef(null);
  const canShare = typeof navigator.share === 'function';
  useEffect(() => { if (headingRef.current) headingRef.current.focus(); }, []);

  async function copy() {
    setStatus(await copyText(share.url, inputRef.current) ? t('share.copied') : t('share.copyFailed'));
  }

  async function shareNative() {
    try {
      await navigator.share({ title: t('share.shareTitle'), text: t('share.shareText', { label: share.label }), url: share.url });
    } catch {
      // the learner closed the share sheet: nothing to say
    }
  }

  const titles = Object.fromEntries((share.credentials || []).map((c) => [c.id, c.title || t('dossier.untitled')]));
  return html`<section class="card share-created" aria-labelledby="created-title">
    <h2 id="created-title" tabindex="-1" ref=${headingRef}>${t('share.createdTitle')}</h2>
    <p class="share-label">${share.label}</p>
    <${LinkExpiry} share=${share} timeZone=${timeZone} />
    <p class="share-once"><${Icon} name="alert" className="icon icon--small" /> <span>${t('share.onceWarning')}</span></p>
    <div class="field">
      <label for="share-url">${t('share.linkLabel')}</label>
      <input id="share-url" class="share-url" type="text" readOnly value=${share.url} ref=${inputRef} onFocus=${(event) => event.currentTarget.select()} />
    </div>
    <div class="actions">
      <button type="button" class="button button--primary" onClick=${copy}>${t('share.copy')}</button>
      ${canShare && html`<button type="button" class="button button--secondary" onClick=${shareNative}>${t('share.shareButton')}</button>`}
      <a class="button button--secondary" href=${share.url} target="_blank" rel="noopener">${t('share.open')}</a>
    </div>
    <${LiveMessage} kind="status" id="share-status">${status}</${LiveMessage}>
    <h3>${t('share.qrTitle')}</h3>
    <p class="muted">${t('share.qrHint')}</p>
    <${QrCode} svg=${share.qr_svg} />
    ${(share.linkedin || []).length > 0 && html`<h3>${t('share.linkedinTitle')}</h3>
      <p class="muted">${t('share.linkedinHint')}</p>
      <ul class="share-linkedin">
        ${share.linkedin.map((entry) => html`<li><a class="button button--secondary button--block" href=${entry.url} target="_blank" rel="noopener noreferrer">${t('share.linkedinButton', { title: titles[entry.credential_id] || '' })}</a></li>`)}
      </ul>`}
    <p><${Link} href="/dossier">${t('share.done')}</${Link}></p>
  </section>`;
}

/** Focus the list and show its top, where its error is: the list can be longer than the
 * screen, and focus alone showed its end with the button, not the error. */
function focusFromTheTop(element) {
  if (!element) return;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: 'start' });
}

export function ShareNewView({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [created, setCreated] = useState(null);
  return html`<section class="share-new" aria-labelledby="page-title">
    <p class="back"><${Link} href="/dossier">${t('dossier.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${t('share.newTitle')}</h1>
    ${created
      ? html`<${ShareCreated} share=${created} timeZone=${timeZone} />`
      : html`<p class="lead">${t('share.newIntro')}</p><${ShareForm} timeZone=${timeZone} onCreated=${setCreated} />`}
  </section>`;
}
