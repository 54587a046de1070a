// Institution set-up: the issuer profile (name, URL, contact, logo), the signing keys with
// the did:web document and a check that its public address can be reached, the VC-API's
// OAuth clients (a new secret is shown once) and the staff members with their roles.
// Changing the set-up is for institution admins; other staff see the profile and keys.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Field, LiveMessage, SelectField } from '../core/components.js';
import { check, focusFirstInvalid, problemMessage } from '../core/forms.js';
import { staffApi, formatDate } from './api.js';

const PROFILE_FIELDS = ['name', 'url', 'email', 'image_url'];
const KINDS = ['staff', 'institution_admin'];

function useLoad(load, deps) {
  const [value, setValue] = useState(null);
  const [error, setError] = useState('');
  function reload() {
    return load().then((found) => {
      setValue(found);
      setError('');
    }).catch((problem) => setError(problemMessage(problem)));
  }
  useEffect(() => {
    reload();
  }, deps);
  return [value, error, reload, setValue];
}

function ProfileCard({ institution, manages, keyCount }) {
  // Read again once the first key exists: contact and logo then belong to an issuer profile.
  const [profile, loadError] = useLoad(() => staffApi.profile(institution.slug), [institution.slug, keyCount > 0]);
  const [values, setValues] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const form = useRef(null);
  useEffect(() => {
    if (profile) setValues(Object.fromEntries(PROFILE_FIELDS.map((name) => [name, profile[name] || ''])));
  }, [profile]);

  async function save(event) {
    event.preventDefault();
    const found = check([['name', values.name, 'required'], ['email', values.email, 'email']]);
    setErrors(found);
    setStatus('');
    setMessage('');
    if (Object.keys(found).length) {
      focusFirstInvalid(form.current, found);
      return;
    }
    const changes = Object.fromEntries(PROFILE_FIELDS.filter((name) => values[name] !== (profile[name] || '') && !(values[name] === '' && ['url', 'email', 'image_url'].includes(name))).map((name) => [name, values[name].trim()]));
    try {
      await staffApi.updateProfile(institution.slug, changes);
      setStatus(t('staff.school.profileSaved'));
    } catch (problem) {
      const fieldErrors = problem.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(problem));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  const set = (name) => (value) => setValues({ ...values, [name]: value });
  return html`<div class="card">
    <h2>${t('staff.school.profileTitle')}</h2>
    <p class="lead">${t('staff.school.profileIntro')}</p>
    <${LiveMessage} kind="error" id="profile-load-error">${loadError}</${LiveMessage}>
    ${values && html`<form class="form" ref=${form} onSubmit=${save} noValidate>
      <${LiveMessage} kind="error" id="school-profile-error" fromFields=${true}>${message}</${LiveMessage}>
      <${Field} id="name" label=${t('staff.school.name')} value=${values.name} onInput=${set('name')} error=${errors.name} readOnly=${!manages} />
      <${Field} id="url" label=${t('staff.school.url')} type="url" value=${values.url} onInput=${set('url')} error=${errors.url} readOnly=${!manages} />
      <${Field} id="email" label=${t('staff.school.email')} type="email" value=${values.email} onInput=${set('email')} error=${errors.email}
        hint=${profile.did ? undefined : t('staff.school.needsKey')} readOnly=${!manages} />
      <${Field} id="image_url" label=${t('staff.school.image')} type="url" value=${values.image_url} onInput=${set('image_url')} error=${errors.image_url}
        hint=${t('staff.school.imageHint')} readOnly=${!manages} />
      <${LiveMessage} kind="status" id="school-profile-status">${status}</${LiveMessage}>
      ${manages && html`<button type="submit" class="button button--primary">${t('staff.school.saveProfile')}</button>`}
    </form>`}
  </div>`;
}

function KeysCard({ institution, manages, onKeys }) {
  const [keys, loadError, , setKeys] = useLoad(() => staffApi.keys(institution.slug), [institution.slug]);
  useEffect(() => {
    if (keys) onKeys(keys.keys.length);
  }, [keys]);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [reach, setReach] = useState(null);
  const [busy, setBusy] = useState(false);
  const locale = getLocale();

  async function newKey() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    setReach(null);
    try {
      const first = !keys.keys.length;
      setKeys(await staffApi.newKey(institution.slug));
      setStatus(first ? t('staff.school.keyCreated') : t('staff.school.keyRotated'));
    } catch (problem) {
      setMessage(problemMessage(problem));
    } finally {
      setBusy(false);
    }
  }

  async function checkAddress() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    setReach(null);
    try {
      setReach(await staffApi.checkKeys(institution.slug));
    } catch (problem) {
      setMessage(problemMessage(problem));
    } finally {
      setBusy(false);
    }
  }

  const reachText = reach && (reach.matches ? t('staff.school.reachable', { url: reach.url })
    : t('staff.school.unreachable', { url: reach.url, reason: reach.reason }));
  return html`<div class="card">
    <h2>${t('staff.school.keysTitle')}</h2>
    <${LiveMessage} kind="error" id="keys-error">${loadError || message || (reach && !reach.matches ? reachText : '')}</${LiveMessage}>
    <${LiveMessage} kind="status" id="keys-status">${status || (reach && reach.matches ? reachText : '')}</${LiveMessage}>
    ${!keys && !loadError && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${keys && !keys.keys.length && html`<p>${t('staff.school.noKeys')}</p>`}
    ${keys && keys.did && html`<dl class="facts-list">
      <dt>${t('staff.school.did')}</dt><dd><code>${keys.did}</code></dd>
      <dt>${t('staff.school.didUrl')}</dt><dd><a href=${keys.did_url} rel="noopener">${keys.did_url}</a></dd>
    </dl>
    <h3>${t('staff.school.keysList')}</h3>
    <ul class="staff-list">
      ${keys.keys.map((key) => html`<li class="staff-list__item">
        <p class="staff-list__title">${t('staff.school.keyNumber', { number: key.number })}
          ${key.signs && html` <span class="badge badge--ok">${t('staff.school.signs')}</span>`}</p>
        <p class="muted">${formatDate(key.created_at, locale, true)} · <code class="wrap">${key.public_multikey}</code></p>
      </li>`)}
    </ul>
    <details class="disclosure">
      <summary>${t('staff.school.didDocument')}</summary>
      <pre class="code-block" tabindex="0">${JSON.stringify(keys.did_document, null, 2)}</pre>
    </details>`}
    <div class="actions">
      ${keys && manages && html`<button type="button" class="button button--secondary" onClick=${newKey} aria-disabled=${busy ? 'true' : undefined}>
        ${keys.keys.length ? t('staff.school.rotateKey') : t('staff.school.createKey')}</button>`}
      ${keys && keys.did && html`<button type="button" class="button button--secondary" onClick=${checkAddress} aria-disabled=${busy ? 'true' : undefined}>${t('staff.school.checkAddress')}</button>`}
    </div>
  </div>`;
}

function ClientsCard({ institution }) {
  const [clients, loadError, reload] = useLoad(() => staffApi.clients(institution.slug), [institution.slug]);
  const [secret, setSecret] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const locale = getLocale();

  async function create() {
    setMessage('');
    setStatus('');
    try {
      const made = await staffApi.newClient(institution.slug);
      setSecret(made);
      await reload();
      requestAnimationFrame(() => {
        const box = document.getElementById('client-secret-title');
        if (box) box.focus();
      });
    } catch (problem) {
      setMessage(problemMessage(problem));
    }
  }

  async function revoke(client) {
    setMessage('');
    try {
      await staffApi.revokeClient(institution.slug, client.client_id);
      if (secret && secret.client_id === client.client_id) setSecret(null);
      setStatus(t('staff.school.clientRevoked', { client: client.client_id }));
      await reload();
    } catch (problem) {
      setMessage(problemMessage(problem));
    }
  }

  return html`<div class="card">
    <h2>${t('staff.school.clientsTitle')}</h2>
    <p class="lead">${t('staff.school.clientsIntro')}</p>
    <${LiveMessage} kind="error" id="clients-error">${loadError || message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="clients-status">${status}</${LiveMessage}>
    ${secret && html`<div class="secret" role="group" aria-labelledby="client-secret-title">
      <h3 id="client-secret-title" tabindex="-1">${t('staff.school.secretTitle')}</h3>
      <p>${t('staff.school.secretOnce')}</p>
      <dl class="facts-list">
        <dt>client_id</dt><dd><code class="wrap">${secret.client_id}</code></dd>
        <dt>client_secret</dt><dd><code class="wrap" id="client-secret">${secret.client_secret}</code></dd>
      </dl>
      <button type="button" class="button button--small button--secondary" onClick=${() => setSecret(null)}>${t('staff.school.secretDone')}</button>
    </div>`}
    ${clients && (clients.length ? html`<ul class="staff-list">
      ${clients.map((client) => html`<li class="staff-list__item">
        <p class="staff-list__title"><code class="wrap">${client.client_id}</code>
          ${client.revoked_at && html` <span class="badge">${t('staff.school.revoked')}</span>`}</p>
        <p class="muted">${formatDate(client.created_at, locale, true)}</p>
        ${!client.revoked_at && html`<button type="button" class="button button--small button--secondary" onClick=${() => revoke(client)}
          aria-label=${t('staff.school.revokeLabel', { client: client.client_id })}>${t('staff.school.revoke')}</button>`}
      </li>`)}
    </ul>` : html`<p class="muted">${t('staff.school.noClients')}</p>`)}
    <button type="button" class="button button--secondary" onClick=${create}>${t('staff.school.newClient')}</button>
  </div>`;
}

function MembersCard({ institution }) {
  const [members, loadError, reload] = useLoad(() => staffApi.members(institution.slug), [institution.slug]);
  const [values, setValues] = useState({ display_name: '', email: '', role: 'staff' });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const form = useRef(null);
  const set = (name) => (value) => setValues({ ...values, [name]: value });

  async function add(event) {
    event.preventDefault();
    const found = check([['display_name', values.display_name, 'required'], ['email', values.email, 'required', 'email']]);
    setErrors(found);
    setMessage('');
    setStatus('');
    if (Object.keys(found).length) {
      focusFirstInvalid(form.current, found);
      return;
    }
    try {
      const added = await staffApi.addMember(institution.slug, values);
      setValues({ display_name: '', email: '', role: 'staff' });
      setStatus(t('staff.school.memberAdded', { name: added.display_name }));
      await reload();
    } catch (problem) {
      const fieldErrors = problem.fieldErrors || {};
      setErrors(fieldErrors);
      setMessage(problemMessage(problem));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  async function change(member, role) {
    setMessage('');
    setStatus('');
    try {
      await staffApi.changeMember(institution.slug, member.id, role);
      setStatus(t('staff.school.memberChanged', { name: member.display_name }));
    } catch (problem) {
      setMessage(problemMessage(problem));
    }
    await reload();
  }

  async function remove(member) {
    setMessage('');
    setStatus('');
    try {
      await staffApi.removeMember(institution.slug, member.id);
      setStatus(t('staff.school.memberRemoved', { name: member.display_name }));
      await reload();
    } catch (problem) {
      setMessage(problemMessage(problem));
    }
  }

  const kinds = KINDS.map((value) => ({ value, label: t(`staff.roles.${value}`) }));
  return html`<div class="card">
    <h2>${t('staff.school.membersTitle')}</h2>
    <${LiveMessage} kind="error" id="members-error">${loadError || (!Object.keys(errors).length && message)}</${LiveMessage}>
    <${LiveMessage} kind="status" id="members-status">${status}</${LiveMessage}>
    ${members && html`<ul class="staff-list">
      ${members.map((member) => html`<li class="staff-list__item">
        <p class="staff-list__title">${member.display_name}</p>
        <p class="muted">${member.email}</p>
        <${SelectField} id=${`member-role-${member.id}`} label=${t('staff.school.roleOf', { name: member.display_name })}
          value=${member.role} onChange=${(role) => change(member, role)} options=${kinds} />
        <button type="button" class="button button--small button--secondary" onClick=${() => remove(member)}
          aria-label=${t('staff.school.removeLabel', { name: member.display_name })}>${t('staff.school.remove')}</button>
      </li>`)}
    </ul>`}
    <form class="form" ref=${form} onSubmit=${add} noValidate>
      <h3>${t('staff.school.addMember')}</h3>
      <${LiveMessage} kind="error" id="member-add-error" fromFields=${true}>${Object.keys(errors).length ? message : ''}</${LiveMessage}>
      <${Field} id="display_name" label=${t('staff.school.memberName')} value=${values.display_name} onInput=${set('display_name')} error=${errors.display_name} autocomplete="off" />
      <${Field} id="member-email" name="email" label=${t('staff.school.memberEmail')} type="email" value=${values.email} onInput=${set('email')} error=${errors.email} autocomplete="off" />
      <${SelectField} id="role" label=${t('staff.school.memberRole')} value=${values.role} onChange=${set('role')} options=${kinds} />
      <button type="submit" class="button button--primary">${t('staff.school.add')}</button>
    </form>
  </div>`;
}

export default function SchoolScreen({ institution, role }) {
  const manages = role === 'institution_admin' || role === 'admin';
  const [keyCount, setKeyCount] = useState(0);
  return html`<div class="staff-columns">
    <${ProfileCard} institution=${institution} manages=${manages} keyCount=${keyCount} />
    <${KeysCard} institution=${institution} manages=${manages} onKeys=${setKeyCount} />
    ${manages ? html`<${ClientsCard} institution=${institution} />
      <${MembersCard} institution=${institution} />`
    : html`<p class="notice notice--info">${t('staff.school.adminsOnly')}</p>`}
  </div>`;
}
