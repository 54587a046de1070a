// API calls for share links. The link itself comes back once, in the answer to create();
// the server keeps only its hash, so list() and get() never include it.
import { request } from '../core/api.js';

const SHARES = '/api/v1/shares';
const id = (value) => encodeURIComponent(value);

export const shareApi = {
  list: () => request('GET', SHARES),
  get: (shareId) => request('GET', `${SHARES}/${id(shareId)}`),
  create: (fields) => request('POST', SHARES, fields),
  changeExpiry: (shareId, days) => request('PATCH', `${SHARES}/${id(shareId)}`, { expires_in_days: days }),
  revoke: (shareId) => request('DELETE', `${SHARES}/${id(shareId)}`),
};

// How long a new link works: the choices offered (days; 30 is the server's default).
export const EXPIRY_CHOICES = [7, 30, 90, 365];
export const DEFAULT_EXPIRY = 30;
