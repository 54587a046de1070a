// Pieces the award, voucher and recognition screens share: the lead under the staff frame,
// the per-line errors of a refused CSV, a dialog asking for a reason.
import { html, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { ApiError } from '../core/api.js';
import { TextArea } from '../dossier/parts.js';
import { ConfirmDialog } from '../routes/ui.js';

/** A staff screen's body under the staff frame (view.js), which gives the heading, the
 * institution and the staff navigation: here only the screen's lead and its parts. */
export function StaffPage({ intro, children }) {
  return html`${intro && html`<p class="lead">${t(intro)}</p>`}
    ${children}`;
}

/** Which institution a screen shows when its API picks it from the staff member (vouchers,
 * recognition requests): their own school, or every school for an admin, whatever the
 * institution chooser above says. */
export function ServerScope({ institution, role }) {
  const text = role === 'admin' ? t('staffSchool.scopeAll')
    : t('staffSchool.scopeOne', { name: institution ? institution.name : '' });
  return html`<p class="notice notice--info">${text}</p>`;
}

/** A refused list's errors, line by line ("line 3: …"), as the server named them. */
export function LineErrors({ error }) {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const entries = Object.entries(error.fieldErrors);
  if (!entries.length) return null;
  const label = (key) => {
    const line = /^line (\d+)$/.exec(key);
    return line ? t('staffSchool.line', { line: line[1] }) : key;
  };
  return html`<ul class="line-errors">
    ${entries.map(([key, text]) => html`<li key=${key}><strong>${label(key)}</strong>: ${text}</li>`)}
  </ul>`;
}

/** "Why?" before an action that needs a reason (revoke, withdraw). */
export function ReasonDialog({ open, title, body, confirmLabel, busy, error, onConfirm, onCancel }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  function confirm() {
    if (reason.trim().length < 3) {
      setMissing(t('staffSchool.reasonNeeded'));
      const field = document.getElementById('reason');
      if (field) field.focus();
      return;
    }
    setMissing('');
    onConfirm(reason.trim());
  }
  function cancel() {
    setReason('');
    setMissing('');
    onCancel();
  }
  return html`<${ConfirmDialog} open=${open} busy=${busy} title=${title}
    confirmLabel=${confirmLabel} cancelLabel=${t('staffSchool.cancel')}
    onConfirm=${confirm} onCancel=${cancel}>
    ${body && html`<p>${body}</p>`}
    <${TextArea} id="reason" label=${t('staffSchool.reason')} value=${reason} rows=${3}
      onInput=${setReason} error=${missing || error} maxlength="500" />
  </${ConfirmDialog}>`;
}

/** A date-time in the staff member's language. */
export function when(iso, locale) {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium' }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
