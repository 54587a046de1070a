// The Vouchers tab: add an alumni LLO voucher to the dossier by typing its code or scanning
// its QR code, and the learner's vouchers with how long each is still valid. Sub-page
// /vouchers/<id>: one voucher, to choose a module and redeem it (detail.js).
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { ApiError } from '../core/api.js';
import { LiveMessage } from '../core/components.js';
import { Link, navigate, useRoute } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { setVoucherNotice, voucherApi } from './api.js';
import { checkCode, codeFromScan, formatTyped } from './code.js';
import { QrScanner, useScanSupport } from './scan.js';
import { VoucherDetailView, Validity, VoucherStatus, useNow } from './detail.js';
import { blockLabel } from './runs.js';
import { formatDateRange } from '../routes/words.js';

/** The message for a code the check symbol (or its length) rules out, before any request. */
function codeProblem(result) {
  if (result.error === 'empty') return t('voucher.claim.errors.empty');
  if (result.error === 'length') return t('voucher.claim.errors.length', { count: result.count });
  const detail = result.error === 'character' ? t('voucher.claim.errors.character') : t('voucher.claim.errors.typo');
  return html`<strong class="notice__title">${t('voucher.claim.errors.typoTitle')}</strong> <span>${detail}</span>`;
}

function ClaimForm({ known, onClaimed, onAsked }) {
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const canScan = useScanSupport();
  const input = useRef(null);
  const scanButton = useRef(null);

  function typed(event) {
    const element = event.currentTarget;
    const { value, caret } = formatTyped(element.value, element.selectionStart ?? element.value.length);
    if (element.value !== value) {
      element.value = value;
      if (document.activeElement === element) element.setSelectionRange(caret, caret);
    }
    setCode(value);
    if (invalid) setInvalid(false);
  }

  async function claim(text) {
    if (busy) return;
    const checked = checkCode(text);
    setStatus('');
    if (checked.error) {
      setInvalid(true);
      setMessage(codeProblem(checked));
      if (input.current) input.current.focus();
      return;
    }
    setBusy(true);
    setMessage('');
    setInvalid(false);
    try {
      const voucher = await voucherApi.claim(checked.code);
      if (voucher.status === 'pending') {
        setCode('');
        setStatus(t('voucher.claim.pending'));
        onAsked(voucher);
        return;
      }
      const already = known.some((v) => v.id === voucher.id);
      setVoucherNotice(t(already ? 'voucher.claim.already' : 'voucher.claim.added'));
      onClaimed(voucher);
    } catch (error) {
      setInvalid(error instanceof ApiError && [404, 409, 410, 422].includes(error.status));
      setMessage(problemMessage(error));
      if (input.current) input.current.focus();
    } finally {
      setBusy(false);
    }
  }

  function submit(event) {
    event.preventDefault();
    claim(code);
  }

  function scanned(text) {
    const found = codeFromScan(text);
    if (!found) return false;
    setScanning(false);
    setCode(found);
    setStatus(t('voucher.scan.found', { code: found }));
    claim(found);
    return true;
  }

  function stopScanning() {
    setScanning(false);
    setTimeout(() => scanButton.current && scanButton.current.focus(), 0);
  }

  return html`<section class="card" aria-labelledby="claim-title">
    <h2 id="claim-title">${t('voucher.claim.heading')}</h2>
    <form class="claim" onSubmit=${submit} novalidate>
      <div class=${invalid ? 'field field--invalid' : 'field'}>
        <label for="voucher-code">${t('voucher.claim.label')}</label>
        <p class="field__hint" id="voucher-code-hint">${t('voucher.claim.hint')}</p>
        <input ref=${input} id="voucher-code" name="voucher-code" type="text" class="claim__code"
          value=${code} onInput=${typed}
          autocomplete="off" inputmode="text" autocapitalize="characters" autocorrect="off" spellcheck=${false}
          aria-invalid=${invalid ? 'true' : undefined} aria-describedby="voucher-code-hint claim-error" />
      </div>
      <${LiveMessage} kind="error" id="claim-error">${message}</${LiveMessage}>
      <${LiveMessage} kind="status" id="claim-status">${status}</${LiveMessage}>
      <div class="actions">
        <button type="submit" class="button button--primary" aria-disabled=${busy ? 'true' : undefined}>
          ${busy ? t('voucher.claim.busy') : t('voucher.claim.submit')}
        </button>
        ${canScan && !scanning && html`<button ref=${scanButton} type="button" class="button button--secondary"
          onClick=${() => { setMessage(''); setScanning(true); }}>${t('voucher.scan.button')}</button>`}
      </div>
    </form>
    ${scanning && html`<${QrScanner} onText=${scanned} onStop=${stopScanning} />`}
  </section>`;
}

function VoucherCard({ voucher, fetchedAt, timeZone, now }) {
  const enrolment = voucher.enrolment;
  return html`<li class="voucher-card">
    <div class="voucher-card__head">
      <h3 class="voucher-card__title">
        <${Link} href=${`/vouchers/${voucher.id}`}>${t('voucher.card.title', { qualification: voucher.qualification })}</${Link}>
      </h3>
      <${VoucherStatus} status=${voucher.status} />
    </div>
    <p class="muted">${t('voucher.card.from', { institution: voucher.institution })}</p>
    ${voucher.status === 'available' && html`<${Validity} voucher=${voucher} fetchedAt=${fetchedAt} timeZone=${timeZone} now=${now} />`}
    ${voucher.status === 'redeemed' && enrolment && html`<p class="voucher-card__used">${t('voucher.card.usedFor', {
      block: blockLabel(enrolment.block), dates: formatDateRange(enrolment.run.start_date, enrolment.run.end_date),
    })}</p>`}
  </li>`;
}

/** Claims to vouchers issued to another address: the school decides. */
function WaitingClaims({ claims }) {
  if (!claims.length) return null;
  return html`<section class="card" aria-labelledby="claims-title">
    <h2 id="claims-title">${t('voucher.claims.heading')}</h2>
    <ul class="link-list">
      ${claims.map((claim) => html`<li key=${claim.id}>${t(`voucher.claims.${claim.status}`, { institution: claim.institution })}</li>`)}
    </ul>
  </section>`;
}

function VoucherList({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [vouchers, setVouchers] = useState(null);
  const [claims, setClaims] = useState([]);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [message, setMessage] = useState('');
  const now = useNow();

  useEffect(() => {
    let live = true;
    voucherApi.vouchers()
      .then((list) => {
        if (!live) return;
        setFetchedAt(Date.now());
        setVouchers(list || []);
      })
      .catch((error) => {
        if (!live) return;
        setVouchers([]);
        setMessage(problemMessage(error));
      });
    voucherApi.claims().then((list) => live && setClaims(list || [])).catch(() => {});
    return () => { live = false; };
  }, []);

  function asked(claim) {
    setClaims((list) => [claim, ...list.filter((item) => item.id !== claim.id)]);
  }

  return html`<section class="vouchers" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('voucher.title')}</h1>
    <p class="lead">${t('voucher.intro')}</p>
    <${ClaimForm} known=${vouchers || []} onClaimed=${(voucher) => navigate(`/vouchers/${voucher.id}`)} onAsked=${asked} />
    <${WaitingClaims} claims=${claims} />
    <section class="card" aria-labelledby="mine-title">
      <h2 id="mine-title">${t('voucher.list.heading')}</h2>
      <${LiveMessage} kind="error" id="vouchers-error">${message}</${LiveMessage}>
      ${vouchers === null && html`<p class="loading" role="status">${t('app.loading')}</p>`}
      ${vouchers && vouchers.length === 0 && html`<p class="muted">${t('voucher.list.empty')}</p>`}
      ${vouchers && vouchers.length > 0 && html`<ul class="voucher-list">
        ${vouchers.map((voucher) => html`<${VoucherCard} key=${voucher.id} voucher=${voucher} fetchedAt=${fetchedAt} timeZone=${timeZone} now=${now} />`)}
      </ul>`}
    </section>
  </section>`;
}

export function VoucherView(props) {
  const path = useRoute();
  const rest = path.replace(/^\/vouchers\/?/, '');
  if (/^\d+$/.test(rest)) return html`<${VoucherDetailView} key=${rest} ...${props} voucherId=${rest} />`;
  return html`<${VoucherList} ...${props} />`;
}
