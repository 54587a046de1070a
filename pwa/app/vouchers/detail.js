// One voucher: how long it is still valid, the modules it can buy (choose one, confirm, and it
// is in the schedule), or the module it bought (cancel until the day the API says).
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { ApiError } from '../core/api.js';
import { LiveMessage, Icon } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { DEFAULT_TIME_ZONE } from '../accounts/profile.js';
import { ConfirmDialog } from '../routes/ui.js';
import { formatDate, formatDateRange } from '../routes/words.js';
import { newIdempotencyKey, takeVoucherNotice, voucherApi } from './api.js';
import { RunChooser, RunSummary, blockLabel } from './runs.js';
import {
  cancelDaysBefore, expiresSoon, expiryOf, formatExpiry, formatMoment, todayInAmsterdam, validityLeft,
} from './words.js';

// The Idempotency-Key of a redemption that got no answer (network error), per voucher: a retry
// of the same choice sends the same key, so the server answers the first redemption again
// instead of booking twice. Only in memory.
const pendingKeys = new Map();

function keyFor(voucherId, runId) {
  const pending = pendingKeys.get(voucherId);
  if (pending && pending.runId === runId) return pending.key;
  const key = newIdempotencyKey();
  pendingKeys.set(voucherId, { runId, key });
  return key;
}

/** The time now, again every minute, for countdowns. */
export function useNow(every = 60_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

export function VoucherStatus({ status }) {
  const kind = status === 'available' ? 'ok' : status === 'redeemed' ? 'used' : 'bad';
  return html`<span class=${`status status--${kind} voucher-status`}>
    <${Icon} name=${kind === 'bad' ? 'alert' : 'check'} className="icon icon--small" />
    <span>${t(`voucher.status.${status}`)}</span>
  </span>`;
}

/** "Nog 4 jaar en 7 maanden geldig" and "Geldig tot 1 juli 2030 om 23:59" (learner's zone). */
export function Validity({ voucher, fetchedAt, timeZone, now }) {
  const expiry = expiryOf(voucher, fetchedAt);
  const expired = expiry.getTime() <= now || voucher.status === 'expired';
  const soon = !expired && expiresSoon(expiry, now);
  return html`<div class=${soon ? 'validity validity--soon' : 'validity'}>
    <p class="validity__left">${expired ? t('voucher.validity.expired') : validityLeft(expiry, timeZone, now)}</p>
    <p class="validity__until">${t(expired ? 'voucher.validity.expiredOn' : 'voucher.validity.until', { date: formatExpiry(new Date(voucher.valid_until), timeZone) })}</p>
  </div>`;
}

function Redeemed({ voucher, timeZone, headingRef, onCancel }) {
  const enrolment = voucher.enrolment;
  const run = enrolment && enrolment.run;
  const active = enrolment && enrolment.status !== 'cancelled';
  const lastDay = (run && voucher.cancel_until) || '';
  const days = run && cancelDaysBefore(run.start_date, lastDay);
  const canCancel = active && lastDay && todayInAmsterdam() <= lastDay;
  return html`<section class="card" aria-labelledby="redeemed-title">
    <h2 id="redeemed-title" tabindex="-1" ref=${headingRef} class="result__title">${t('voucher.redeemed.heading')}</h2>
    ${voucher.redeemed_at && html`<p class="muted">${t('voucher.redeemed.on', { date: formatMoment(voucher.redeemed_at, timeZone) })}</p>`}
    ${run && html`<${RunSummary} run=${run} block=${enrolment.block} qualification=${enrolment.qualification} timeZone=${timeZone} />`}
    ${active && html`<p class="badge badge--ok voucher-schedule">
      ${t('voucher.redeemed.inSchedule')} <${Link} href="/rooster">${t('voucher.redeemed.toSchedule')}</${Link}>
    </p>`}
    ${enrolment && !active && html`<p class="notice notice--error">${t('voucher.redeemed.enrolmentCancelled')}</p>`}
    ${active && lastDay && html`<h3 class="voucher-cancel__title">${t('voucher.cancel.heading')}</h3>
    <p id="cancel-rule">${canCancel
      ? t('voucher.cancel.rule', { days, date: formatDate(lastDay) })
      : t('voucher.cancel.tooLate', { days })}</p>`}
    ${canCancel && html`<button type="button" class="button button--stop button--block" aria-describedby="cancel-rule"
      onClick=${onCancel}>${t('voucher.cancel.button')}</button>`}
  </section>`;
}

export function VoucherDetailView({ user, voucherId }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [voucher, setVoucher] = useState(null);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [loadError, setLoadError] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState(takeVoucherNotice);
  const [selected, setSelected] = useState(null);
  const [confirm, setConfirm] = useState(null); // 'redeem' | 'cancel'
  const [busy, setBusy] = useState(false);
  const redeemedHeading = useRef(null);
  const chooseHeading = useRef(null);
  const focusNext = useRef(null);
  const now = useNow();
  const id = Number(voucherId);

  async function load() {
    try {
      const answer = await voucherApi.voucher(id);
      setFetchedAt(Date.now());
      setVoucher(answer);
      setLoadError('');
      return answer;
    } catch (error) {
      setLoadError(problemMessage(error));
      return null;
    }
  }

  useEffect(() => { load(); }, [id]);

  useEffect(() => {
    const target = focusNext.current === 'redeemed' ? redeemedHeading.current : focusNext.current === 'choose' ? chooseHeading.current : null;
    if (target) {
      focusNext.current = null;
      target.focus();
    }
  });

  const runs = (voucher && voucher.eligible_runs) || [];
  const chosen = runs.find((run) => run.id === selected) || null;

  function askRedeem(event) {
    event.preventDefault();
    setStatus('');
    if (!chosen) {
      setMessage(t('voucher.choose.required'));
      const first = document.querySelector('input[name="voucher-run"]');
      if (first) first.focus();
      return;
    }
    setMessage('');
    setConfirm('redeem');
  }

  async function redeem() {
    if (busy || !chosen) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      const answer = await voucherApi.redeem(id, chosen.id, keyFor(id, chosen.id));
      pendingKeys.delete(id);
      setFetchedAt(Date.now());
      setVoucher({ ...answer.voucher, eligible_runs: runs });
      setSelected(null);
      const enrolment = answer.enrolment || answer.voucher.enrolment;
      const done = t('voucher.redeemed.done', { block: blockLabel(enrolment && enrolment.block) });
      setStatus(html`${done} <${Link} href="/rooster">${t('voucher.redeemed.toSchedule')}</${Link}>`);
      focusNext.current = 'redeemed';
    } catch (error) {
      const noAnswer = !(error instanceof ApiError) || error.offline || error.status >= 500;
      if (noAnswer) {
        // Keep the key: trying again cannot book twice.
        setMessage(error instanceof ApiError && error.offline ? t('voucher.redeem.retry') : problemMessage(error));
      } else {
        pendingKeys.delete(id);
        const fresh = await voucherApi.voucher(id).catch(() => null);
        if (fresh) {
          setFetchedAt(Date.now());
          setVoucher(fresh);
          focusNext.current = fresh.status === 'redeemed' ? 'redeemed' : 'choose';
        }
        setMessage(problemMessage(error));
      }
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  }

  async function cancel() {
    if (busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      const cancelled = await voucherApi.cancel(id);
      // Fetched before any state changes, so the dialog closes and focus moves in one render.
      const fresh = await voucherApi.voucher(id).catch(() => null);
      setFetchedAt(Date.now());
      setVoucher(fresh || { ...cancelled, eligible_runs: runs });
      setStatus(t('voucher.cancel.done'));
      focusNext.current = 'choose';
    } catch (error) {
      const fresh = await voucherApi.voucher(id).catch(() => null);
      if (fresh) {
        setFetchedAt(Date.now());
        setVoucher(fresh);
      }
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  }

  const title = voucher ? t('voucher.card.title', { qualification: voucher.qualification }) : t('voucher.detail.title');
  const enrolment = voucher && voucher.enrolment;
  // An answer kept offline from before the API said who states the diploma: the school does.
  const diploma = voucher && (voucher.diploma || { stated_by: voucher.institution,
    qualification: voucher.qualification, graduation_date: voucher.graduation_date });
  return html`<section class="voucher-page" aria-labelledby="page-title">
    <p class="back"><${Link} href="/vouchers">${t('voucher.detail.back')}</${Link}></p>
    <h1 id="page-title" tabindex="-1">${title}</h1>
    <${LiveMessage} kind="error" id="voucher-error">${loadError || message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="voucher-status">${status}</${LiveMessage}>
    ${!voucher && !loadError && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${voucher && html`<section class="card" aria-labelledby="validity-title">
      <div class="voucher-card__head">
        <h2 id="validity-title">${t('voucher.detail.validity')}</h2>
        <${VoucherStatus} status=${voucher.status} />
      </div>
      ${voucher.status !== 'redeemed' && html`<${Validity} voucher=${voucher} fetchedAt=${fetchedAt} timeZone=${timeZone} now=${now} />`}
      <dl class="fields">
        <div class="fields__row"><dt>${t('voucher.detail.from')}</dt><dd>${voucher.institution}</dd></div>
        <div class="fields__row"><dt>${t('voucher.detail.diploma', { school: diploma.stated_by })}</dt><dd>
          ${t('voucher.detail.diplomaValue', { qualification: diploma.qualification, date: formatDate(diploma.graduation_date) })}
          <p class="statement__note muted">${t('voucher.detail.diplomaNote')}</p>
        </dd></div>
        ${voucher.status === 'redeemed' && html`<div class="fields__row"><dt>${t('voucher.detail.validUntil')}</dt><dd>${formatExpiry(new Date(voucher.valid_until), timeZone)}</dd></div>`}
      </dl>
    </section>`}
    ${voucher && voucher.status === 'available' && html`<section class="card" aria-labelledby="choose-title">
      <h2 id="choose-title" tabindex="-1" ref=${chooseHeading} class="result__title">${t('voucher.choose.heading')}</h2>
      ${runs.length === 0
        ? html`<p class="muted">${t('voucher.choose.none')}</p>`
        : html`<form class="voucher-choose" onSubmit=${askRedeem} novalidate>
          <p>${t('voucher.choose.intro')}</p>
          <${RunChooser} runs=${runs} first=${voucher.qualification} selected=${selected} onSelect=${(runId) => { setSelected(runId); setMessage(''); }} timeZone=${timeZone} errorId="voucher-error" />
          <button type="submit" class="button button--primary button--block">${t('voucher.choose.submit')}</button>
        </form>`}
    </section>`}
    ${voucher && voucher.status === 'redeemed' && html`<${Redeemed} voucher=${voucher} timeZone=${timeZone}
      headingRef=${redeemedHeading} onCancel=${() => setConfirm('cancel')} />`}
    ${voucher && voucher.status === 'expired' && html`<p class="card">${t('voucher.detail.expired')}</p>`}
    <${ConfirmDialog} open=${confirm === 'redeem' && Boolean(chosen)} busy=${busy}
      title=${chosen ? t('voucher.confirm.title', { block: blockLabel(chosen.block) }) : ''}
      confirmLabel=${busy ? t('voucher.confirm.busy') : t('voucher.confirm.yes')} cancelLabel=${t('voucher.confirm.no')}
      onConfirm=${redeem} onCancel=${() => setConfirm(null)}>
      ${chosen && html`<${RunSummary} run=${chosen} qualification=${chosen.qualification} timeZone=${timeZone} />
        ${chosen.mine && html`<p class="notice notice--info voucher-mine"><strong>${t(`voucher.confirm.mine.${chosen.mine}`)}</strong></p>`}
        <p>${t('voucher.confirm.body')}</p>
        ${chosen.cancel_until && html`<p>${t('voucher.confirm.cancelRule', {
          days: cancelDaysBefore(chosen.start_date, chosen.cancel_until), date: formatDate(chosen.cancel_until),
        })}</p>`}`}
    </${ConfirmDialog}>
    <${ConfirmDialog} open=${confirm === 'cancel' && Boolean(enrolment)} busy=${busy}
      title=${t('voucher.cancel.confirmTitle')}
      confirmLabel=${busy ? t('voucher.cancel.busy') : t('voucher.cancel.yes')} cancelLabel=${t('voucher.cancel.no')}
      onConfirm=${cancel} onCancel=${() => setConfirm(null)}>
      ${enrolment && html`<p>${t('voucher.cancel.confirmBody', {
        block: blockLabel(enrolment.block), dates: formatDateRange(enrolment.run.start_date, enrolment.run.end_date),
      })}</p>`}
    </${ConfirmDialog}>
  </section>`;
}
