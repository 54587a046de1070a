// The learner's preferences for a route: start, finish-by, times of day, locations, forms and
// pace, each marked "moet" (hard) or "liever" (soft).
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Field } from '../core/components.js';
import { LEARNING_FORMS, LOCATIONS, TIMES_OF_DAY, isoDate, todayIso, valueLabel } from './words.js';

// The API's upper limits: a pace field left empty means "no limit", sent as these maxima
// (null would mean "the persona's default").
export const NO_PARALLEL_LIMIT = 10;
export const NO_HOURS_LIMIT = 60;

/** Preferences from a persona's defaults, keeping the dates the learner already chose. */
export function preferencesFrom(defaults = {}, previous = {}) {
  return {
    start_date: previous.start_date || todayIso(),
    horizon_end: previous.horizon_end || '',
    times_of_day: [...(defaults.times_of_day || [])],
    locations: [...(defaults.locations || [])],
    learning_forms: [...(defaults.learning_forms || [])],
    max_parallel: defaults.max_parallel == null ? '' : String(defaults.max_parallel),
    max_hours_per_week: defaults.max_hours_per_week == null ? '' : String(defaults.max_hours_per_week),
    hard: [...(defaults.hard || [])],
  };
}

/** The preferences as the API wants them. */
export function preferencesBody(prefs) {
  const number = (value, none) => (String(value).trim() === '' ? none : Number(value));
  const body = {
    times_of_day: prefs.times_of_day,
    locations: prefs.locations,
    learning_forms: prefs.learning_forms,
    max_parallel: number(prefs.max_parallel, NO_PARALLEL_LIMIT),
    max_hours_per_week: number(prefs.max_hours_per_week, NO_HOURS_LIMIT),
    hard: prefs.hard.filter((name) => {
      if (name === 'max_parallel') return String(prefs.max_parallel).trim() !== '';
      if (name === 'max_hours_per_week') return String(prefs.max_hours_per_week).trim() !== '';
      return true;
    }),
  };
  if (prefs.start_date) body.start_date = isoDate(prefs.start_date);
  if (prefs.horizon_end) body.horizon_end = isoDate(prefs.horizon_end);
  return body;
}

/** Client-side checks mirroring the API's; returns {field: message}. */
export function checkPreferences(prefs) {
  const errors = {};
  if (!prefs.start_date) errors.start_date = t('validation.required');
  else if (isoDate(prefs.start_date) < todayIso()) errors.start_date = t('route.prefs.startInPast');
  if (prefs.horizon_end && prefs.start_date && prefs.horizon_end <= prefs.start_date) {
    errors.horizon_end = t('route.prefs.horizonAfterStart');
  }
  const whole = (value, low, high) => {
    if (String(value).trim() === '') return true;
    const n = Number(value);
    return Number.isFinite(n) && n >= low && n <= high;
  };
  if (!whole(prefs.max_parallel, 1, NO_PARALLEL_LIMIT) || (prefs.max_parallel !== '' && !Number.isInteger(Number(prefs.max_parallel)))) {
    errors.max_parallel = t('route.prefs.rangeError', { low: 1, high: NO_PARALLEL_LIMIT });
  }
  if (!whole(prefs.max_hours_per_week, 1, NO_HOURS_LIMIT)) {
    errors.max_hours_per_week = t('route.prefs.rangeError', { low: 1, high: NO_HOURS_LIMIT });
  }
  return errors;
}

/** "Liever" / "Moet": how strictly a preference must hold. */
function Strictness({ name, legend, hard, onChange }) {
  return html`<fieldset class="strictness">
    <legend class="strictness__legend">${legend}</legend>
    <div class="segmented">
      <label class="segmented__option">
        <input type="radio" name=${`strict-${name}`} value="soft" checked=${!hard} onChange=${() => onChange(false)} />
        <span>${t('route.prefs.soft')}</span>
      </label>
      <label class="segmented__option">
        <input type="radio" name=${`strict-${name}`} value="hard" checked=${hard} onChange=${() => onChange(true)} />
        <span>${t('route.prefs.hard')}</span>
      </label>
    </div>
  </fieldset>`;
}

function ChoiceGroup({ name, field, legend, values, prefs, onChange }) {
  const selected = prefs[field];
  const hard = prefs.hard.includes(name);
  const toggle = (value) => {
    const next = selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value];
    onChange({ ...prefs, [field]: values.filter((v) => next.includes(v)) });
  };
  return html`<fieldset class="prefgroup" aria-describedby=${`${name}-hint`}>
    <legend class="prefgroup__legend">${legend}</legend>
    <p class="field__hint" id=${`${name}-hint`}>${t('route.prefs.anyHint')}</p>
    <div class="chips">
      ${values.map((value) => html`<label class="chip">
        <input type="checkbox" name=${field} value=${value} checked=${selected.includes(value)} onChange=${() => toggle(value)} />
        <span>${valueLabel(value)}</span>
      </label>`)}
    </div>
    <${Strictness} name=${name} legend=${t('route.prefs.strictness', { what: legend })} hard=${hard}
      onChange=${(isHard) => onChange(setHard(prefs, name, isHard))} />
  </fieldset>`;
}

export function setHard(prefs, name, isHard) {
  const hard = prefs.hard.filter((n) => n !== name);
  return { ...prefs, hard: isHard ? [...hard, name] : hard };
}

export function PreferencesFields({ prefs, onChange, errors = {}, useExemptions, onUseExemptions }) {
  const set = (field) => (value) => onChange({ ...prefs, [field]: value });
  return html`<div class="prefs">
    <div class="prefs__dates">
      <${Field} id="start_date" type="date" label=${t('route.prefs.startDate')} hint=${t('route.prefs.startDateHint')}
        value=${prefs.start_date} onInput=${set('start_date')} error=${errors.start_date} min=${todayIso()} required />
      <${Field} id="horizon_end" type="date" label=${t('route.prefs.horizonEnd')} hint=${t('route.prefs.horizonEndHint')}
        value=${prefs.horizon_end} onInput=${set('horizon_end')} error=${errors.horizon_end} min=${prefs.start_date || undefined} />
    </div>
    <${ChoiceGroup} name="time_of_day" field="times_of_day" legend=${t('route.prefs.timesOfDay')} values=${TIMES_OF_DAY} prefs=${prefs} onChange=${onChange} />
    <${ChoiceGroup} name="location" field="locations" legend=${t('route.prefs.locations')} values=${LOCATIONS} prefs=${prefs} onChange=${onChange} />
    <${ChoiceGroup} name="learning_form" field="learning_forms" legend=${t('route.prefs.learningForms')} values=${LEARNING_FORMS} prefs=${prefs} onChange=${onChange} />
    <fieldset class="prefgroup" aria-describedby="pace-hint">
      <legend class="prefgroup__legend">${t('route.prefs.pace')}</legend>
      <p class="field__hint" id="pace-hint">${t('route.prefs.paceHint')}</p>
      <div class="pace">
        <div class="pace__item">
          <${Field} id="max_parallel" type="number" inputmode="numeric" min="1" max=${NO_PARALLEL_LIMIT} step="1"
            label=${t('route.prefs.maxParallel')} value=${prefs.max_parallel} onInput=${set('max_parallel')} error=${errors.max_parallel} />
          <${Strictness} name="max_parallel" legend=${t('route.prefs.strictness', { what: t('route.prefs.maxParallelShort') })}
            hard=${prefs.hard.includes('max_parallel')} onChange=${(isHard) => onChange(setHard(prefs, 'max_parallel', isHard))} />
        </div>
        <div class="pace__item">
          <${Field} id="max_hours_per_week" type="number" inputmode="decimal" min="1" max=${NO_HOURS_LIMIT} step="any"
            label=${t('route.prefs.maxHours')} value=${prefs.max_hours_per_week} onInput=${set('max_hours_per_week')} error=${errors.max_hours_per_week} />
          <${Strictness} name="max_hours_per_week" legend=${t('route.prefs.strictness', { what: t('route.prefs.maxHoursShort') })}
            hard=${prefs.hard.includes('max_hours_per_week')} onChange=${(isHard) => onChange(setHard(prefs, 'max_hours_per_week', isHard))} />
        </div>
      </div>
    </fieldset>
    <label class="checkbox">
      <input type="checkbox" name="use_exemptions" checked=${useExemptions} onChange=${(event) => onUseExemptions(event.currentTarget.checked)} />
      <span>${t('route.prefs.exemptions')}</span>
    </label>
  </div>`;
}
