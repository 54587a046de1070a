// API calls of the Dossier tab. GETs go through the service worker (network first, the last
// answer kept for offline reading); imports, checks and changes need the network.
import { request } from '../core/api.js';

const CREDENTIALS = '/api/v1/dossier/credentials';
const EXPERIENCE = '/api/v1/dossier/experience';
const id = (value) => encodeURIComponent(value);

function fileForm(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}

export const dossierApi = {
  credentials: () => request('GET', CREDENTIALS),
  credential: (credentialId) => request('GET', `${CREDENTIALS}/${id(credentialId)}`),
  importFile: (file) => request('POST', CREDENTIALS, fileForm(file)),
  importText: (text) => request('POST', CREDENTIALS, { text }),
  importUrl: (url) => request('POST', CREDENTIALS, { url }),
  verify: (credentialId) => request('POST', `${CREDENTIALS}/${id(credentialId)}/verify`),
  remove: (credentialId) => request('DELETE', `${CREDENTIALS}/${id(credentialId)}`),
  experience: () => request('GET', EXPERIENCE),
  experienceItem: (itemId) => request('GET', `${EXPERIENCE}/${id(itemId)}`),
  createExperience: (fields) => request('POST', EXPERIENCE, fields),
  updateExperience: (itemId, fields) => request('PATCH', `${EXPERIENCE}/${id(itemId)}`, fields),
  removeExperience: (itemId) => request('DELETE', `${EXPERIENCE}/${id(itemId)}`),
  attachEvidence: (itemId, file) => request('PUT', `${EXPERIENCE}/${id(itemId)}/evidence`, fileForm(file)),
  removeEvidence: (itemId) => request('DELETE', `${EXPERIENCE}/${id(itemId)}/evidence`),
  evidenceUrl: (itemId) => `${EXPERIENCE}/${id(itemId)}/evidence`,
  // Links to download a credential issued here (404: imported from elsewhere).
  // All at once: asking per credential is a 404 (logged by the browser) for those issued elsewhere.
  issuedCredentials: () => request('GET', '/api/v1/issuing/credentials'),
};

// A message to show on the next view (e.g. "added" after an import), read once.
let pendingNotice = '';

export function setNotice(text) {
  pendingNotice = text;
}

export function takeNotice() {
  const text = pendingNotice;
  pendingNotice = '';
  return text;
}
