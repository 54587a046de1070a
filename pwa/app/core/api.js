// The JSON API client: same-origin cookies, CSRF double submit, RFC 9457 problems as ApiError.
import { getLocale } from './i18n.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiError extends Error {
  /**
   * status 0 means the network could not be reached (offline).
   * problem holds the RFC 9457 body: type, title, status, detail, errors.
   */
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get offline() {
    return this.status === 0;
  }

  /** Field errors as {field: "message message"}. */
  get fieldErrors() {
    const errors = this.problem.errors || {};
    const out = {};
    for (const [field, messages] of Object.entries(errors)) {
      out[field] = Array.isArray(messages) ? messages.join(' ') : String(messages);
    }
    return out;
  }
}

let servedFromCache = false;
const cacheListeners = new Set();

/** Called with true when an API answer came from the service worker's offline copy. */
export function onCacheState(fn) {
  cacheListeners.add(fn);
  return () => cacheListeners.delete(fn);
}

function noteCache(fromCache) {
  if (fromCache !== servedFromCache) {
    servedFromCache = fromCache;
    cacheListeners.forEach((fn) => fn(fromCache));
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrf_token') return decodeURIComponent(rest.join('='));
  }
  return null;
}

async function send(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders, Accept: 'application/json, application/problem+json', 'Accept-Language': getLocale() };
  // A FormData body (file uploads) sets its own multipart Content-Type.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method)) {
    if (!csrfToken()) await send('GET', '/api/v1/meta').catch(() => null);
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined || form ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {});
  }
  if (method === 'GET') noteCache(response.headers.get('X-ED-From-Cache') === '1');
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => ({})) : {};
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get('Retry-After') || '', 10);
    throw new ApiError(response.status, data, Number.isFinite(retry) ? retry : null);
  }
  return data;
}

/** extraHeaders: e.g. an Idempotency-Key; the API client's own headers win. */
export async function request(method, path, body, extraHeaders) {
  try {
    return await send(method, path, body, extraHeaders);
  } catch (error) {
    // A missing or stale CSRF cookie: fetch a fresh one once, then try again.
    if (error instanceof ApiError && error.status === 403 && UNSAFE.has(method) && /csrf/i.test(error.problem.type || '')) {
      await send('GET', '/api/v1/meta').catch(() => null);
      return send(method, path, body, extraHeaders);
    }
    throw error;
  }
}

export const api = {
  meta: () => request('GET', '/api/v1/meta'),
  me: () => request('GET', '/api/v1/me'),
  signUp: (fields) => request('POST', '/api/v1/accounts', fields),
  signIn: (email, password) => request('POST', '/api/v1/session', { email, password }),
  signOut: () => request('DELETE', '/api/v1/session'),
  updateMe: (changes) => request('PATCH', '/api/v1/me', changes),
  resendVerification: () => request('POST', '/api/v1/email-verification'),
  confirmEmail: (token) => request('POST', '/api/v1/email-verification/confirm', { token }),
  askPasswordReset: (email) => request('POST', '/api/v1/password-reset', { email }),
  resetPassword: (token, password) => request('POST', '/api/v1/password-reset/confirm', { token, password }),
  changePassword: (current, password) => request('POST', '/api/v1/me/password', { current_password: current, password }),
  sessions: () => request('GET', '/api/v1/sessions'),
  endSession: (sessionId) => request('DELETE', `/api/v1/sessions/${encodeURIComponent(sessionId)}`),
  endAllSessions: () => request('DELETE', '/api/v1/sessions'),
};

/**
 * The token of a mailed link (/verify-email#token=…), taken out of the address bar at once so
 * that it is not kept in the history, bookmarked or shared with the page.
 */
export function takeLinkToken() {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return match ? match[1] : '';
}

/** POST JSON and receive a file (a PDF, a zip) as {blob, filename}; a refusal as ApiError. */
export async function requestFile(path, body, accept) {
  if (!csrfToken()) await send('GET', '/api/v1/meta').catch(() => null);
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: `${accept}, application/problem+json`,
        'Accept-Language': getLocale(),
        'X-CSRF-Token': csrfToken() || '',
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {});
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '');
  return { blob: await response.blob(), filename: name ? name[1] : 'download' };
}

/** Hand a downloaded file to the browser to save under its name. */
export function saveFile({ blob, filename }) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
