// The modules a voucher can buy, grouped per qualification and block, each run with its
// dates, time of day, place and seats left (the run facts of the Route and Rooster tabs), to
// pick one with a radio button.
import { html } from '../core/html.js';
import { t } from '../core/i18n.js';
import { RunFacts } from '../routes/ui.js';
import { formatDateRange, formatNumber } from '../routes/words.js';

export function blockLabel(block) {
  return block ? `${block.code} ${block.name}` : '';
}

/** [{qualification, blocks: [{block, runs}]}] in the order the server listed the runs. */
export function groupRuns(runs) {
  const groups = [];
  (runs || []).forEach((run) => {
    const name = run.qualification || '';
    let group = groups.find((g) => g.qualification === name);
    if (!group) {
      group = { qualification: name, blocks: [] };
      groups.push(group);
    }
    const blockId = run.block ? run.block.id : run.block_id;
    let entry = group.blocks.find((b) => b.id === blockId);
    if (!entry) {
      entry = { id: blockId, block: run.block, runs: [] };
      group.blocks.push(entry);
    }
    entry.runs.push(run);
  });
  return groups;
}

function RunOption({ run, blockId, selected, onSelect, timeZone }) {
  const id = `vrun-${run.id}`;
  return html`<li>
    <label class="option option--run">
      <input type="radio" name="voucher-run" value=${run.id} checked=${selected === run.id}
        aria-labelledby=${`${blockId} ${id}-dates`} aria-describedby=${`${id}-facts`}
        onChange=${() => onSelect(run.id)} />
      <span class="option__text">
        <span class="option__name" id=${`${id}-dates`}>${formatDateRange(run.start_date, run.end_date)}</span>
        <span class="option__detail" id=${`${id}-facts`}><${RunFacts} run=${run} timeZone=${timeZone} /></span>
      </span>
    </label>
  </li>`;
}

export function RunChooser({ runs, selected, onSelect, timeZone, errorId }) {
  const groups = groupRuns(runs);
  return html`<fieldset class="vruns" aria-describedby=${errorId}>
    <legend class="prefgroup__legend">${t('voucher.choose.legend')}</legend>
    ${groups.map((group) => html`<div class="vruns__group">
      ${group.qualification && html`<h3 class="vruns__qualification">${group.qualification}</h3>`}
      ${group.blocks.map((entry) => {
        const blockId = `vblock-${entry.id}`;
        return html`<div class="vruns__block">
          <h4 class="vruns__title" id=${blockId}>${blockLabel(entry.block)}</h4>
          ${entry.block && entry.block.ec != null && html`<p class="muted vruns__load">${t('voucher.choose.ec', { ec: formatNumber(entry.block.ec) })}</p>`}
          <ul class="vruns__list">
            ${entry.runs.map((run) => html`<${RunOption} key=${run.id} run=${run} blockId=${blockId} selected=${selected} onSelect=${onSelect} timeZone=${timeZone} />`)}
          </ul>
        </div>`;
      })}
    </div>`)}
  </fieldset>`;
}

/** One run in the confirmation and on a redeemed voucher: block, dates, facts. */
export function RunSummary({ run, block, qualification, timeZone, seats = false }) {
  return html`<div class="vrun-summary">
    <p class="timeline__dates">${formatDateRange(run.start_date, run.end_date)}</p>
    <p class="vrun-summary__title">${blockLabel(block || run.block)}</p>
    ${qualification && html`<p class="muted">${qualification}</p>`}
    <${RunFacts} run=${run} timeZone=${timeZone} seats=${seats} />
  </div>`;
}
