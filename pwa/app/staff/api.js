// The staff console's API (/api/v1/staff): everything under one institution's address.
import { request } from '../core/api.js';

const base = (slug) => `/api/v1/staff/institutions/${encodeURIComponent(slug)}`;

function upload(file) {
  const form = new FormData();
  form.append('file', file);
  return form;
}

export const staffApi = {
  home: () => request('GET', '/api/v1/staff'),
  previewCatalog: (slug, file) => request('POST', `${base(slug)}/catalog/preview`, upload(file)),
  applyCatalog: (slug, file) => request('PUT', `${base(slug)}/catalog`, upload(file)),
  runs: (slug) => request('GET', `${base(slug)}/runs`),
  run: (slug, id) => request('GET', `${base(slug)}/runs/${id}`),
  updateRun: (slug, id, changes) => request('PATCH', `${base(slug)}/runs/${id}`, changes),
  rosterUrl: (slug, id, kind) => `${base(slug)}/runs/${id}/enrolments.${kind}`,
  profile: (slug) => request('GET', `${base(slug)}/profile`),
  updateProfile: (slug, changes) => request('PATCH', `${base(slug)}/profile`, changes),
  keys: (slug) => request('GET', `${base(slug)}/keys`),
  newKey: (slug) => request('POST', `${base(slug)}/keys`),
  checkKeys: (slug) => request('POST', `${base(slug)}/keys/reachability`),
  clients: (slug) => request('GET', `${base(slug)}/clients`),
  newClient: (slug) => request('POST', `${base(slug)}/clients`),
  revokeClient: (slug, clientId) => request('POST', `${base(slug)}/clients/${encodeURIComponent(clientId)}/revoke`),
  members: (slug) => request('GET', `${base(slug)}/members`),
  addMember: (slug, member) => request('POST', `${base(slug)}/members`, member),
  changeMember: (slug, id, role) => request('PATCH', `${base(slug)}/members/${id}`, { role }),
  removeMember: (slug, id) => request('DELETE', `${base(slug)}/members/${id}`),
  audit: (slug, query) => request('GET', `${base(slug)}/audit?${new URLSearchParams(query)}`),
};

/** A date or moment for staff screens, in Dutch or English. */
export function formatDate(iso, locale, withTime = false) {
  if (!iso) return '';
  try {
    const options = withTime ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' } : { dateStyle: 'medium', timeZone: 'UTC' };
    const value = withTime ? new Date(iso) : new Date(`${iso}T00:00:00Z`);
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', options).format(value);
  } catch {
    return iso;
  }
}
