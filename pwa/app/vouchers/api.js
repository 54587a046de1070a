// API calls of the Vouchers tab. GETs go through the service worker (network first, the last
// answer kept for offline reading); claiming, redeeming and cancelling need the network.
import { request } from '../core/api.js';

const VOUCHERS = '/api/v1/vouchers';
const id = (value) => encodeURIComponent(value);

export const voucherApi = {
  vouchers: () => request('GET', VOUCHERS),
  claims: () => request('GET', `${VOUCHERS}/claims`),
  voucher: (voucherId) => request('GET', `${VOUCHERS}/${id(voucherId)}`),
  /** The voucher (200), or a claim waiting for the school (202, status "pending"). */
  claim: (code) => request('POST', `${VOUCHERS}/claim`, { code }),
  /** The same key on a retry makes the server answer the first redemption again. */
  redeem: (voucherId, runId, key) => request('POST', `${VOUCHERS}/${id(voucherId)}/redeem`, { run_id: runId }, { 'Idempotency-Key': key }),
  cancel: (voucherId) => request('POST', `${VOUCHERS}/${id(voucherId)}/cancel`),
};

/** A fresh Idempotency-Key (random UUID; by hand where randomUUID is missing). */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A message for the next view (e.g. "added" after a claim), read once.
let pendingNotice = '';

export function setVoucherNotice(text) {
  pendingNotice = text;
}

export function takeVoucherNotice() {
  const text = pendingNotice;
  pendingNotice = '';
  return text;
}
