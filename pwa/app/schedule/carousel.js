// The carousel of a qualification: its blocks in their fixed order, offered again and again.
// A ring drawn in SVG for the eye (hidden from assistive technology), and underneath an
// ordered list that carries everything: each block with its upcoming runs.
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { RunFacts } from '../routes/ui.js';
import { formatDateRange, formatNumber } from '../routes/words.js';

const SIZE = 240;
const CENTRE = SIZE / 2;
const RADIUS = 84;
const NODE = 17;
const SHOWN_RUNS = 3;

function point(index, count, radius = RADIUS) {
  const angle = (2 * Math.PI * index) / count - Math.PI / 2;
  return [CENTRE + radius * Math.cos(angle), CENTRE + radius * Math.sin(angle), angle];
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** At most two short lines for the ring's centre; the list below has the full name. */
function centreLines(text, width = 18) {
  const lines = [];
  for (const word of String(text || '').split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length > 2) lines.splice(1, lines.length - 1, `${lines[1]}…`);
  return lines.map((line) => (line.length > width + 1 ? `${line.slice(0, width)}…` : line));
}

/** The decorative ring: numbered blocks clockwise, arrows showing the direction of the carousel. */
function Ring({ blocks, enrolledBlocks, title }) {
  const count = blocks.length;
  return html`<svg class="ring" viewBox=${`0 0 ${SIZE} ${SIZE}`} width=${SIZE} height=${SIZE} aria-hidden="true" focusable="false">
    <circle class="ring__track" cx=${CENTRE} cy=${CENTRE} r=${RADIUS} />
    ${count > 1 && blocks.map((_, index) => {
      const [x, y, angle] = point(index + 0.5, count);
      const degrees = round((angle * 180) / Math.PI + 90);
      return html`<path class="ring__arrow" d=${`M ${round(x - 5)} ${round(y - 4)} L ${round(x + 1)} ${round(y)} L ${round(x - 5)} ${round(y + 4)}`}
        transform=${`rotate(${degrees} ${round(x)} ${round(y)})`} />`;
    })}
    ${blocks.map((block, index) => {
      const [x, y] = point(index, count);
      const runs = (block.upcoming_runs || []).length;
      const kind = enrolledBlocks.has(block.id) ? 'ring__node ring__node--mine' : runs ? 'ring__node' : 'ring__node ring__node--none';
      return html`<g class=${kind}>
        <circle cx=${round(x)} cy=${round(y)} r=${NODE} />
        <text x=${round(x)} y=${round(y)} text-anchor="middle" dominant-baseline="central">${block.position ?? index + 1}</text>
      </g>`;
    })}
    ${centreLines(title).map((line, index, lines) => html`<text class="ring__centre" x=${CENTRE}
      y=${CENTRE - 8 - (lines.length - 1 - index) * 17} text-anchor="middle">${line}</text>`)}
    <text class="ring__centre ring__centre--small" x=${CENTRE} y=${CENTRE + 14} text-anchor="middle">${t('schedule.carousel.blocks', { n: count })}</text>
  </svg>`;
}

function RunItem({ run, mine, timeZone }) {
  return html`<li class=${mine ? 'runs__item runs__item--mine' : 'runs__item'}>
    <p class="runs__dates">${formatDateRange(run.start_date, run.end_date)}
      ${mine && html` <span class="badge badge--ok">${t('schedule.carousel.mine')}</span>`}</p>
    <${RunFacts} run=${run} timeZone=${timeZone} />
  </li>`;
}

export function Carousel({ carousel, enrolledRuns, timeZone }) {
  const blocks = carousel.blocks || [];
  const codes = {};
  blocks.forEach((block) => { codes[block.id] = block.code; });
  const enrolledBlocks = new Set(blocks.filter((b) => (b.upcoming_runs || []).some((r) => enrolledRuns.has(r.id))).map((b) => b.id));
  const title = carousel.qualification ? carousel.qualification.name : '';
  return html`<div class="carousel">
    <div class="carousel__ring">
      <${Ring} blocks=${blocks} enrolledBlocks=${enrolledBlocks} title=${title} />
      <p class="carousel__legend muted">
        <span class="legend legend--mine" aria-hidden="true"></span> ${t('schedule.carousel.legendMine')}
        <span class="legend legend--none" aria-hidden="true"></span> ${t('schedule.carousel.legendNone')}
      </p>
    </div>
    <ol class="carousel__blocks" aria-label=${t('schedule.carousel.listLabel', { name: title })}>
      ${blocks.map((block, index) => {
        const runs = block.upcoming_runs || [];
        const after = (block.prerequisites || []).map((id) => codes[id]).filter(Boolean);
        return html`<li class="cblock">
          <div class="cblock__head">
            <span class="cblock__number" aria-hidden="true">${block.position ?? index + 1}</span>
            <div>
              <h3 class="cblock__title">${block.code} ${block.name}</h3>
              <p class="muted">${t('route.plan.load', { ec: formatNumber(block.ec), hours: formatNumber(block.hours) })}${after.length ? ` · ${t('schedule.carousel.after', { codes: after.join(', ') })}` : ''}</p>
            </div>
          </div>
          ${runs.length === 0
            ? html`<p class="muted">${t('schedule.carousel.noRuns')}</p>`
            : html`<p class="runs__label">${t('schedule.carousel.runs')}</p>
              <ul class="runs">${runs.slice(0, SHOWN_RUNS).map((run) => html`<${RunItem} run=${run} mine=${enrolledRuns.has(run.id)} timeZone=${timeZone} />`)}</ul>
              ${runs.length > SHOWN_RUNS && html`<details class="more">
                <summary>${t('schedule.carousel.more', { n: runs.length - SHOWN_RUNS })}</summary>
                <ul class="runs">${runs.slice(SHOWN_RUNS).map((run) => html`<${RunItem} run=${run} mine=${enrolledRuns.has(run.id)} timeZone=${timeZone} />`)}</ul>
              </details>`}`}
        </li>`;
      })}
    </ol>
  </div>`;
}
