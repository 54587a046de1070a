// API calls of the staff screens for awards, vouchers and recognition requests. They always
// ask the network: staff decide on what is there now.
import { request } from '../core/api.js';

const id = (value) => encodeURIComponent(value);
const issuing = (slug) => `/api/v1/issuing/${id(slug)}`;

function csvForm(file) {
  const form = new FormData();
  form.append('file', file);
  return form;
}

export const awardsApi = {
  achievements: (slug) => request('GET', `${issuing(slug)}/achievements`),
  issued: (slug) => request('GET', `${issuing(slug)}/credentials`),
  award: (slug, body) => request('POST', `${issuing(slug)}/awards`, body),
  awardCsv: (slug, file, proof) => request('POST',
    `${issuing(slug)}/awards/csv${proof ? `?proof=${encodeURIComponent(proof)}` : ''}`, csvForm(file)),
  revoke: (slug, issuedId, reason) => request('POST', `${issuing(slug)}/credentials/${id(issuedId)}/revoke`, { reason }),
  offer: (slug, issuedId, txCode) => request('POST', `${issuing(slug)}/credentials/${id(issuedId)}/offer`, { tx_code: txCode }),
  downloadUrl: (slug, issuedId, form) => `${issuing(slug)}/credentials/${id(issuedId)}/download?form=${form}`,
};

export const schoolVoucherApi = {
  preview: (file) => request('POST', '/api/v1/vouchers/batches?dry_run=true', csvForm(file)),
  issue: (file) => request('POST', '/api/v1/vouchers/batches', csvForm(file)),
  batches: () => request('GET', '/api/v1/staff/voucher-batches'),
  vouchers: (query) => request('GET', `/api/v1/staff/vouchers?${new URLSearchParams(query)}`),
  void: (voucherId, reason) => request('POST', `/api/v1/staff/vouchers/${id(voucherId)}/void`, { reason }),
  sendCode: (voucherId, language) => request('POST', `/api/v1/staff/vouchers/${id(voucherId)}/send-code`, { language }),
  lettersUrl: (batchId, language, part = 1) => `/api/v1/staff/voucher-batches/${id(batchId)}/letters?language=${language}&part=${part}`,
  claims: () => request('GET', '/api/v1/staff/voucher-claims?status=pending'),
  decideClaim: (claimId, approved) => request('POST', `/api/v1/staff/voucher-claims/${id(claimId)}/decision`, { approved }),
  letterUrl: (voucherId, language) => `/api/v1/staff/vouchers/${id(voucherId)}/letter?language=${language}`,
};

export const recognitionApi = {
  requests: () => request('GET', '/api/v1/staff/recognition-requests'),
  decide: (requestId, approved, reason) => request('POST', `/api/v1/staff/recognition-requests/${id(requestId)}/decision`, { approved, reason }),
  evidenceUrl: (requestId) => `/api/v1/staff/recognition-requests/${id(requestId)}/evidence`,
};
