// Turning API problems and client-side checks into messages next to the fields.
import { t } from './i18n.js';
import { ApiError } from './api.js';
import { html, useRef, useState } from './html.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Client-side checks, mirroring the server's, so most mistakes need no round trip. */
export function check(rules) {
  const errors = {};
  for (const [field, value, ...kinds] of rules) {
    for (const kind of kinds) {
      if (kind === 'required' && !String(value).trim()) errors[field] = t('validation.required');
      else if (kind === 'email' && String(value).trim() && !EMAIL.test(String(value).trim())) errors[field] = t('validation.email');
      else if (kind === 'password' && String(value) && String(value).length < 10) errors[field] = t('validation.passwordLength');
      if (errors[field]) break;
    }
  }
  return errors;
}

/**
 * The message for the alert region: the problem's title and detail (the server already
 * wrote them in the request's language), or our own words when there was no answer.
 */
export function problemMessage(error) {
  if (!(error instanceof ApiError)) return t('app.genericError');
  if (error.offline) return t('app.offlineAction');
  const problem = error.problem || {};
  const title = problem.title || '';
  let detail = problem.detail || '';
  if (!title && !detail) detail = t('app.genericError');
  if (error.status === 429 && error.retryAfter) detail = `${detail} ${t('signin.retryAfter', { seconds: error.retryAfter })}`.trim();
  if (!title) return detail;
  return html`<strong class="notice__title">${title}</strong>${detail && html` <span>${detail}</span>`}`;
}

/** Move focus to the first field with an error, in form order. */
export function focusFirstInvalid(form, errors) {
  if (!form) return;
  const fields = Array.from(form.querySelectorAll('input, select, textarea'));
  const first = fields.find((element) => errors[element.name]);
  if (first) first.focus();
}

/**
 * A form's errors, alert message, busy state and submit, the same for every form: the
 * fields are checked first (`rules()` gives `check`'s rules), then `send()` runs; a refusal
 * puts the server's field errors next to the fields (`refused(error, fieldErrors)` may add
 * its own) and its problem in the alert region, and focus goes to the first field in error.
 * With `leaves`, a form whose success leaves the screen stays busy after it. `starting()`
 * runs at every submit (to clear a previous success message).
 */
export function useForm(rules, send, { leaves = false, refused, starting, message: first = '' } = {}) {
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(first);
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    if (starting) starting();
    const found = check(rules());
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      await send();
      if (!leaves) setBusy(false);
    } catch (error) {
      setBusy(false);
      const fieldErrors = error.fieldErrors || {};
      if (refused) refused(error, fieldErrors);
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    }
  }

  return { form, errors, message, busy, submit };
}
