// API calls of the wallet side of OpenID4VP: open an employer's request, answer or decline it,
// and list where the learner's credentials were shown.
import { request } from '../core/api.js';

const WALLET = '/api/v1/openid4vp/wallet';

export const presentApi = {
  open: (link) => request('POST', `${WALLET}/requests`, { link }),
  answer: (handle, credentialIds, withhold = []) => request('POST', `${WALLET}/answers`, { handle, credential_ids: credentialIds, consent: true, withhold }),
  decline: (handle) => request('POST', `${WALLET}/declines`, { handle }),
  sent: () => request('GET', `${WALLET}/presentations`),
};

export const LINK_PREFIX = 'openid4vp://';
