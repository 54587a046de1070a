// The answer of the planner: the chosen route as a timeline with alternatives, or why no route
// exists with the relaxations that would help.
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { Timeline } from './ui.js';
import {
  formatDate, formatNumber, phraseCause, phraseChange, phraseEffect, phraseTrade, phraseViolation,
} from './words.js';

export function planSummary(plan) {
  const count = plan.choices.length;
  return t(count === 1 ? 'route.plan.summaryOne' : 'route.plan.summary', {
    n: count, ec: formatNumber(plan.total_ec), hours: formatNumber(plan.total_hours),
  });
}

function PlanChoice({ plans, selected, onSelect }) {
  return html`<fieldset class="planchoice">
    <legend class="prefgroup__legend">${t('route.plan.choose')}</legend>
    <ul class="planchoice__list">
      ${plans.map((plan, index) => html`<li>
        <label class="option">
          <input type="radio" name="plan-choice" value=${index} checked=${selected === index} onChange=${() => onSelect(index)} />
          <span class="option__text">
            <span class="option__name">${index === 0 ? t('route.plan.fastest') : t('route.plan.alternative', { n: index })}</span>
            <span class="option__detail">${index === 0
              ? t('route.plan.finishes', { date: formatDate(plan.finish) })
              : `${phraseTrade(plan.trade)}: ${t('route.plan.finishes', { date: formatDate(plan.finish) })}`}</span>
          </span>
        </label>
      </li>`)}
    </ul>
  </fieldset>`;
}

function Violations({ plan, blocks }) {
  const violations = plan.violations || [];
  if (!violations.length) return html`<p class="fit fit--all">${t('route.plan.allFits')}</p>`;
  return html`<div class="fit">
    <p class="fit__label">${t('route.plan.violations')}</p>
    <ul class="fit__list">${violations.map((v) => html`<li>${phraseViolation(v, blocks)}</li>`)}</ul>
  </div>`;
}

export function PlanView({ plan, blocks, timeZone }) {
  return html`<div class="planview">
    ${plan.exempted && plan.exempted.length > 0 && html`<div class="exempted">
      <p class="fit__label">${t('route.plan.exempted')}</p>
      <ul class="fit__list">${plan.exempted.map((block) => html`<li>${block.code} ${block.name}</li>`)}</ul>
    </div>`}
    <${Violations} plan=${plan} blocks=${blocks} />
    <${Timeline} choices=${plan.choices} blocks=${blocks} timeZone=${timeZone} label=${t('route.plan.timeline')} />
  </div>`;
}

/** Said only when the search ran out of steps: the plan is the best found, not proven. */
function SearchLimits({ result, plan }) {
  const unproven = plan.optimal === false;
  const incomplete = result.alternatives_complete === false;
  if (!unproven && !incomplete) return null;
  return html`<div class="fit fit--limits">
    ${unproven && html`<p>${t('route.plan.unproven', { date: formatDate(plan.finish_lower_bound || plan.finish) })}</p>`}
    ${incomplete && html`<p>${t('route.plan.moreAlternatives')}</p>`}
  </div>`;
}

export function PlanResult({ result, selected, onSelect, blocks, timeZone, headingRef, children }) {
  const plans = [result.plan, ...(result.alternatives || [])];
  const plan = plans[selected] || plans[0];
  return html`<section class="card result" aria-labelledby="result-title">
    <h2 id="result-title" class="result__title" tabindex="-1" ref=${headingRef}>
      ${t('route.plan.heading', { date: formatDate(plan.finish) })}
    </h2>
    <p class="result__summary">${planSummary(plan)}</p>
    <${SearchLimits} result=${result} plan=${plan} />
    ${plans.length > 1 && html`<${PlanChoice} plans=${plans} selected=${selected} onSelect=${onSelect} />`}
    <${PlanView} plan=${plan} blocks=${blocks} timeZone=${timeZone} />
    ${children}
  </section>`;
}

export function NoRoute({ result, blocks, preferences, onApply, busy, headingRef }) {
  const info = result.infeasibility || { causes: [], relaxations: [] };
  return html`<section class="card result result--none" aria-labelledby="result-title">
    <h2 id="result-title" class="result__title" tabindex="-1" ref=${headingRef}>${t('route.none.heading')}</h2>
    <h3 class="result__sub">${t('route.none.why')}</h3>
    <ul class="causes">${info.causes.map((cause) => html`<li>${phraseCause(cause, blocks)}</li>`)}</ul>
    <h3 class="result__sub">${t('route.none.help')}</h3>
    ${info.relaxations.length === 0
      ? html`<p>${t('route.none.nothingHelps')}</p>`
      : html`<ul class="relaxations" id="relaxations" tabindex="-1">
        ${info.relaxations.map((relaxation, index) => {
          const change = phraseChange(relaxation.change, info.causes, preferences);
          return html`<li class="relaxation">
            <p class="relaxation__text">
              <span class="relaxation__change">${change}</span>
              <span aria-hidden="true"> → </span><span class="visually-hidden">: </span>
              <span class="relaxation__effect">${phraseEffect(relaxation.effect, relaxation.finish)}</span>
            </p>
            <button type="button" class="button button--secondary button--compact" aria-label=${t('route.none.applyLabel', { change })}
              aria-disabled=${busy ? 'true' : undefined} onClick=${() => !busy && onApply(relaxation, index)}>
              ${t('route.none.apply')}
            </button>
          </li>`;
        })}
      </ul>`}
  </section>`;
}
