// Progress towards each qualification the learner holds awards of: EC done of the total,
// the blocks to go with their next start date, and a button that has the school sign a
// transcript (1EdTech CLR 2.0) of the completed blocks into the dossier.
import { html, useEffect, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { routeApi } from './api.js';
import { formatDate, formatNumber } from './words.js';

function ProgressCard({ progress }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const id = `progress-${progress.qualification_id}`;

  async function makeTranscript() {
    if (busy) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      await routeApi.makeTranscript(progress.qualification_id);
      // htm drops whitespace that holds a line break: the space before the link is explicit.
      setStatus(html`${t('route.progress.made')}${' '}<${Link} href="/dossier">${t('route.progress.toDossier')}</${Link}>`);
    } catch (problem) {
      setError(problemMessage(problem));
    } finally {
      setBusy(false);
    }
  }

  return html`<li class="card progress">
    <h3 id=${`${id}-title`}>${progress.qualification}</h3>
    <p>
      <label for=${`${id}-bar`}>${t('route.progress.ec', { done: formatNumber(progress.ec_done), total: formatNumber(progress.ec_total) })}</label>
      <progress id=${`${id}-bar`} max=${progress.ec_total} value=${progress.ec_done}></progress>
    </p>
    ${progress.to_go.length === 0
      ? html`<p>${t('route.progress.allDone')}</p>`
      : html`<h4 id=${`${id}-to-go`}>${t('route.progress.toGo', { n: progress.to_go.length })}</h4>
        <ul class="progress__blocks" aria-labelledby=${`${id}-to-go`}>
          ${progress.to_go.map((block) => html`<li>
            <strong>${block.code} ${block.name}</strong> (${formatNumber(block.ec)} EC):${' '}${block.next_start
              ? t('route.progress.nextStart', { date: formatDate(block.next_start) })
              : t('route.progress.noStart')}
          </li>`)}
        </ul>`}
    <${LiveMessage} kind="error" id=${`${id}-error`}>${error}</${LiveMessage}>
    <${LiveMessage} kind="status" id=${`${id}-status`}>${status}</${LiveMessage}>
    <button type="button" class="button button--primary" onClick=${makeTranscript}
      aria-disabled=${busy ? 'true' : undefined} aria-describedby=${`${id}-title`}>
      ${busy ? t('route.progress.making') : t('route.progress.make')}
    </button>
  </li>`;
}

export function ProgressCards() {
  const [list, setList] = useState([]);
  useEffect(() => {
    routeApi.progress().then((found) => setList(found || [])).catch(() => {});
  }, []);
  if (!list.length) return '';
  return html`<section aria-labelledby="progress-heading">
    <h2 id="progress-heading">${t('route.progress.heading')}</h2>
    <ul class="progress__list">
      ${list.map((progress) => html`<${ProgressCard} key=${progress.qualification_id} progress=${progress} />`)}
    </ul>
  </section>`;
}
