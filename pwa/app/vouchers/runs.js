// The modules a voucher can buy, grouped per qualification (the voucher's own first) and block,
// each run with its dates, time of day, place and seats left (the run facts of the Route and
// Rooster tabs) and what the learner already has of it, to pick one with a radio button. A
// search narrows the list; a block shows its first groups until asked for more.
import { html, useState } from '../core/html.js';
import { Field } from '../core/components.js';
import { t } from '../core/i18n.js';
import { RunFacts } from '../routes/ui.js';
import { formatDateRange, formatNumber } from '../routes/words.js';

export function blockLabel(block) {
  return block ? `${block.code} ${block.name}` : '';
}

/** [{qualification, blocks: [{block, runs}]}] in the order the server listed the runs, the
 * voucher's own qualification (`first`) first. */
export function groupRuns(runs, first = '') {
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
  return groups.sort((a, b) => (b.qualification === first) - (a.qualification === first));
}

// A block shows this many groups until the learner asks for the rest.
const SHOWN_PER_BLOCK = 3;

/** Lower case without accents, for matching what the learner types. */
function plain(text) {
  return String(text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** The runs whose module (code or name) or qualification holds every word typed. */
export function matching(runs, query) {
  const words = plain(query).split(/\s+/).filter(Boolean);
  if (!words.length) return runs || [];
  return (runs || []).filter((run) => {
    const text = plain(`${blockLabel(run.block)} ${run.qualification || ''}`);
    return words.every((word) => text.includes(word));
  });
}

function RunOption({ run, blockId, selected, onSelect, timeZone }) {
  const id = `vrun-${run.id}`;
  return html`<li>
    <label class="option option--run">
      <input type="radio" name="voucher-run" value=${run.id} checked=${selected === run.id}
        aria-labelledby=${`${blockId} ${id}-dates`} aria-describedby=${`${id}-facts${run.mine ? ` ${id}-mine` : ''}`}
        onChange=${() => onSelect(run.id)} />
      <span class="option__text">
        <span class="option__name" id=${`${id}-dates`}>${formatDateRange(run.start_date, run.end_date)}</span>
        <span class="option__detail" id=${`${id}-facts`}><${RunFacts} run=${run} timeZone=${timeZone} /></span>
        ${run.mine && html`<span class="option__detail vruns__mine" id=${`${id}-mine`}>${t(`voucher.choose.mine.${run.mine}`)}</span>`}
      </span>
    </label>
  </li>`;
}

function BlockRuns({ entry, selected, onSelect, timeZone }) {
  const [all, setAll] = useState(false);
  const blockId = `vblock-${entry.id}`;
  const hidden = entry.runs.length - SHOWN_PER_BLOCK;
  const chosenHidden = entry.runs.slice(SHOWN_PER_BLOCK).some((run) => run.id === selected);
  const shown = all || hidden <= 0 || chosenHidden ? entry.runs : entry.runs.slice(0, SHOWN_PER_BLOCK);
  return html`<div class="vruns__block">
    <h4 class="vruns__title" id=${blockId}>${blockLabel(entry.block)}</h4>
    ${entry.block && entry.block.ec != null && html`<p class="muted vruns__load">${t('voucher.choose.ec', { ec: formatNumber(entry.block.ec) })}</p>`}
    <ul class="vruns__list">
      ${shown.map((run) => html`<${RunOption} key=${run.id} run=${run} blockId=${blockId} selected=${selected} onSelect=${onSelect} timeZone=${timeZone} />`)}
    </ul>
    ${shown.length < entry.runs.length && html`<button type="button" class="button button--secondary button--compact vruns__more"
      onClick=${() => setAll(true)}>${t('voucher.choose.more', { n: hidden, block: entry.block ? entry.block.code : '' })}</button>`}
  </div>`;
}

export function RunChooser({ runs, selected, onSelect, timeZone, errorId, first = '' }) {
  const [query, setQuery] = useState('');
  const found = matching(runs, query);
  const groups = groupRuns(found, first);
  const searching = query.trim() !== '';
  return html`<div class="vruns__search">
      <${Field} id="voucher-search" type="search" label=${t('voucher.choose.search')} hint=${t('voucher.choose.searchHint')}
        value=${query} onInput=${setQuery} autocomplete="off" enterkeyhint="search" />
      <p class="muted vruns__count" role="status">${searching
        ? (found.length === 0 ? t('voucher.choose.noMatch', { text: query.trim() })
          : t(found.length === 1 ? 'voucher.choose.foundOne' : 'voucher.choose.found', { n: found.length }))
        : ''}</p>
    </div>
    <fieldset class="vruns" aria-describedby=${errorId}>
    <legend class="prefgroup__legend">${t('voucher.choose.legend')}</legend>
    ${groups.map((group) => html`<div class="vruns__group">
      ${group.qualification && html`<h3 class="vruns__qualification">${group.qualification}</h3>`}
      ${group.blocks.map((entry) => html`<${BlockRuns} key=${`${entry.id}-${searching}`} entry=${entry} selected=${selected} onSelect=${onSelect} timeZone=${timeZone} />`)}
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
