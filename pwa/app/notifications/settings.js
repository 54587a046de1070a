// When reminders come: days before a module starts or a voucher expires, and quiet hours.
import { html, useEffect, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Field, LiveMessage } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { notificationsApi } from './api.js';

const MODULE_DAYS = [14, 7, 3, 1, 0];
const VOUCHER_DAYS = [90, 60, 30, 14, 7, 1];

function dayLabel(days) {
  if (days === 0) return t('notifications.settings.sameDay');
  return t(days === 1 ? 'notifications.settings.dayBefore' : 'notifications.settings.daysBefore', { n: days });
}

function DayChoices({ name, legend, hint, options, selected, onChange }) {
  const toggle = (value) => onChange(selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value]);
  const values = [...new Set([...options, ...selected])].sort((a, b) => b - a);
  return html`<fieldset class="prefgroup" aria-describedby=${`${name}-hint`}>
    <legend class="prefgroup__legend">${legend}</legend>
    <p class="field__hint" id=${`${name}-hint`}>${hint}</p>
    <div class="chips">
      ${values.map((value) => html`<label class="chip">
        <input type="checkbox" name=${name} value=${value} checked=${selected.includes(value)} onChange=${() => toggle(value)} />
        <span>${dayLabel(value)}</span>
      </label>`)}
    </div>
  </fieldset>`;
}

export function ReminderSettings() {
  const [settings, setSettings] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    notificationsApi.settings().then(setSettings).catch((error) => setMessage(problemMessage(error)));
  }, []);

  if (!settings) {
    return html`<section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">${t('notifications.settings.heading')}</h2>
      <${LiveMessage} kind="error" id="settings-error">${message}</${LiveMessage}>
      ${!message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    </section>`;
  }

  const change = (field, value) => setSettings({ ...settings, [field]: value });
  const quiet = settings.quiet_hours;

  async function save(event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      const saved = await notificationsApi.saveSettings({
        module_lead_days: settings.module_lead_days,
        voucher_lead_days: settings.voucher_lead_days,
        quiet_hours: quiet,
      });
      setSettings(saved);
      setErrors({});
      setStatus(t('notifications.settings.saved'));
    } catch (error) {
      setErrors(error.fieldErrors || {});
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="settings-title">
    <h2 id="settings-title">${t('notifications.settings.heading')}</h2>
    <${LiveMessage} kind="error" id="settings-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="settings-status">${status}</${LiveMessage}>
    <form class="form" onSubmit=${save} novalidate>
      <${DayChoices} name="module_lead_days" legend=${t('notifications.settings.module')}
        hint=${t('notifications.settings.moduleHint')} options=${MODULE_DAYS}
        selected=${settings.module_lead_days} onChange=${(v) => change('module_lead_days', v)} />
      <${DayChoices} name="voucher_lead_days" legend=${t('notifications.settings.voucher')}
        hint=${t('notifications.settings.voucherHint')} options=${VOUCHER_DAYS}
        selected=${settings.voucher_lead_days} onChange=${(v) => change('voucher_lead_days', v)} />
      <fieldset class="prefgroup">
        <legend class="prefgroup__legend">${t('notifications.settings.quiet')}</legend>
        <p class="field__hint">${t('notifications.settings.quietHint', { zone: settings.time_zone })}</p>
        <div class="form__pair">
          <${Field} id="quiet_start" type="time" label=${t('notifications.settings.quietStart')} value=${quiet.start}
            error=${errors['quiet_hours.start']} onInput=${(v) => change('quiet_hours', { ...quiet, start: v })} />
          <${Field} id="quiet_end" type="time" label=${t('notifications.settings.quietEnd')} value=${quiet.end}
            error=${errors['quiet_hours.end']} onInput=${(v) => change('quiet_hours', { ...quiet, end: v })} />
        </div>
      </fieldset>
      <button type="submit" class="button button--primary button--block" aria-disabled=${busy ? 'true' : undefined}>
        ${busy ? t('notifications.settings.saving') : t('notifications.settings.save')}
      </button>
    </form>
  </section>`;
}
