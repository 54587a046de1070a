// Pieces shared by the Route and Rooster tabs: a confirmation dialog, a run's facts, the
// timeline of a plan.
import { html, useEffect, useRef } from '../core/html.js';
import { t } from '../core/i18n.js';
import {
  formatDateRange, formatNumber, phraseReason, runWhen, runWhere, timeElsewhere, valueWord,
} from './words.js';

let dialogCount = 0;

/**
 * A modal confirmation (native <dialog>: focus moves in, Escape cancels, focus returns).
 * The confirm button is first so that Enter confirms what the title asks.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel, onConfirm, onCancel, busy }) {
  const ref = useRef(null);
  const id = useRef(`confirm-${(dialogCount += 1)}`).current;
  // Set while we close the dialog ourselves: its `close` event arrives a task later, when
  // the dialog may already be open again, and must not cancel that new question.
  const closingOurselves = useRef(false);
  // After every render, so the dialog always matches `open`, however it was closed.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) {
      closingOurselves.current = true;
      dialog.close();
    }
  });

  function cancelled(event) {
    event.preventDefault();
    if (!busy) onCancel();
  }

  // The browser may close a modal on Escape without a cancel event (no user activation).
  function closed() {
    if (closingOurselves.current) {
      closingOurselves.current = false;
      return;
    }
    if (open && !busy) onCancel();
  }

  return html`<dialog ref=${ref} class="dialog" aria-labelledby=${`${id}-title`} aria-describedby=${`${id}-body`}
    onCancel=${cancelled} onClose=${closed}>
    ${open && html`<div class="dialog__inner">
      <h2 id=${`${id}-title`} class="dialog__title">${title}</h2>
      <div id=${`${id}-body`} class="dialog__body">${children}</div>
      <div class="dialog__actions">
        <button type="button" class="button button--primary" onClick=${onConfirm} aria-disabled=${busy ? 'true' : undefined}>${confirmLabel}</button>
        <button type="button" class="button button--secondary" onClick=${() => !busy && onCancel()}>${cancelLabel}</button>
      </div>
    </div>`}
  </dialog>`;
}

/** A time with, when the learner lives in another zone, the same moment in theirs. */
export function RunTimes({ run, timeZone }) {
  const when = runWhen(run);
  const there = run.starts_at ? timeElsewhere(run.start_date, run.starts_at, timeZone) : null;
  const thereEnd = run.ends_at ? timeElsewhere(run.start_date, run.ends_at, timeZone) : null;
  return html`<span>${when}${there && html` <span class="muted-inline">(${t('schedule.yourTime', { time: `${there}–${thereEnd || ''}` })})</span>`}</span>`;
}

/** What, where, how and who of one run, as a short list. */
export function RunFacts({ run, timeZone, seats = true }) {
  const facts = [
    html`<${RunTimes} run=${run} timeZone=${timeZone} />`,
    runWhere(run),
    valueWord(run.learning_form),
    run.institution && run.institution.name,
  ];
  if (seats && typeof run.seats_left === 'number') {
    facts.push(run.seats_left === 1 ? t('route.plan.seatLeft') : t('route.plan.seatsLeft', { n: run.seats_left }));
  }
  return html`<ul class="facts">${facts.filter(Boolean).map((fact) => html`<li>${fact}</li>`)}</ul>`;
}

/** The chosen runs of a plan in date order: dates, block, facts and why this run. */
export function Timeline({ choices, blocks, timeZone, label }) {
  return html`<ol class="timeline" aria-label=${label}>
    ${choices.map((choice, index) => html`<li class="timeline__item">
      <span class="timeline__marker" aria-hidden="true">${index + 1}</span>
      <div class="timeline__body">
        <p class="timeline__dates">${formatDateRange(choice.start, choice.end)}</p>
        <h3 class="timeline__title">${choice.block.code} ${choice.block.name}</h3>
        <p class="timeline__load">${t('route.plan.load', { ec: formatNumber(choice.block.ec), hours: formatNumber(choice.block.hours) })}</p>
        ${choice.run && html`<${RunFacts} run=${choice.run} timeZone=${timeZone} />`}
        ${choice.reasons && choice.reasons.length > 0 && html`<div class="why">
          <p class="why__label">${t('route.plan.why')}</p>
          <ul class="why__list">${choice.reasons.map((reason) => html`<li>${phraseReason(reason, blocks)}</li>`)}</ul>
        </div>`}
      </div>
    </li>`)}
  </ol>`;
}
