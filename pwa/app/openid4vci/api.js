// API calls for receiving a credential offer (OpenID4VCI): both need the network.
import { request } from '../core/api.js';

const OFFERS = '/api/v1/openid4vci/offers';

export const offerApi = {
  preview: (link) => request('POST', `${OFFERS}/preview`, { link }),
  accept: (link, txCode) => request('POST', `${OFFERS}/accept`, txCode ? { link, tx_code: txCode } : { link }),
  // The authorization code flow: where to sign in at the issuer (it sends the learner back).
  authorize: (link) => request('POST', `${OFFERS}/authorize`, { link }),
};

/** True for text that looks like a credential offer link (scanned or pasted). */
export function looksLikeOffer(text) {
  return /(^openid-credential-offer:)|[?&]credential_offer(_uri)?=/.test(String(text || '').trim());
}
