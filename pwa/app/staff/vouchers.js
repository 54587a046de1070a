// Vouchers, the school's side: upload the graduates (a preview first, nothing written until
// staff confirm; every refused line named), print the letters (PDF, Dutch or English), and
// follow each voucher: its state, withdraw one nobody has claimed, mail its code again.
import { html, useEffect, useState } from '../core/html.js';
import { t, getLocale } from '../core/i18n.js';
import { Field, LiveMessage, SelectField } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { FileField } from '../dossier/parts.js';
import { schoolVoucherApi } from './school-api.js';
import { LineErrors, ReasonDialog, ServerScope, StaffPage, when } from './school-parts.js';

const STATES = ['issued', 'claimed', 'redeemed', 'expired', 'void'];
const LANGUAGES = ['nl', 'en'];

// As the server prints them: at most LETTERS_PER_PDF letters per PDF.
const LETTERS_PER_PDF = 250;

function Letters({ batchId, label, parts = 1 }) {
  const numbers = Array.from({ length: Math.max(1, parts) }, (_, index) => index + 1);
  return html`<span class="staff-item__actions">
    ${numbers.map((part) => LANGUAGES.map((language) => {
      const code = language.toUpperCase();
      const text = parts > 1 ? t('staffVouchers.lettersPart', { language: code, part }) : t('staffVouchers.letters', { language: code });
      return html`<a class="button button--secondary button--small" download
        href=${schoolVoucherApi.lettersUrl(batchId, language, part)} hreflang=${language}
        aria-label=${t('staffVouchers.lettersLabel', { text, batch: label, language: t(`staffVouchers.language.${language}`) })}>${text}</a>`;
    }))}
  </span>`;
}

function Upload({ onIssued }) {
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [missing, setMissing] = useState('');
  const [busy, setBusy] = useState(false);

  function chosen(next) {
    setFile(next);
    setPreview(null);
    setError(null);
  }

  async function check(event) {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setMissing(t('staffSchool.fileMissing'));
      document.getElementById('graduates-csv').focus();
      return;
    }
    setMissing('');
    setBusy(true);
    setError(null);
    try {
      setPreview(await schoolVoucherApi.preview(file));
    } catch (failure) {
      setPreview(null);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function issue() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const batch = await schoolVoucherApi.issue(file);
      setPreview(null);
      setFile(null);
      document.getElementById('graduates-csv').value = '';
      onIssued(batch);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="upload-title">
    <h2 id="upload-title">${t('staffVouchers.uploadTitle')}</h2>
    <p class="muted">${t('staffVouchers.uploadIntro')}</p>
    <form class="form" onSubmit=${check} noValidate>
      <${LiveMessage} kind="error" id="upload-error">${error && html`${problemMessage(error)}<${LineErrors} error=${error} />`}</${LiveMessage}>
      <${FileField} id="graduates-csv" label=${t('staffSchool.csvFile')} accept=".csv,text/csv" onChange=${chosen} error=${missing} />
      <button type="submit" class="button button--secondary" aria-disabled=${busy ? 'true' : undefined}>${t('staffVouchers.check')}</button>
    </form>
    ${preview && html`<div class="preview" role="region" aria-labelledby="preview-title">
      <h3 id="preview-title" tabindex="-1">${t('staffVouchers.previewTitle', { count: preview.count })}</h3>
      <p class="muted">${t('staffVouchers.previewIntro', { offer: preview.eligible_qualifications.map((q) => q.name).join(', ') })}</p>
      <div class="table-scroll" tabindex="0" aria-labelledby="preview-title">
        <table class="staff-table">
          <thead><tr>
            <th scope="col">${t('staffVouchers.line')}</th><th scope="col">${t('staffVouchers.name')}</th>
            <th scope="col">${t('staffVouchers.email')}</th><th scope="col">${t('staffVouchers.qualification')}</th>
            <th scope="col">${t('staffVouchers.validUntil')}</th>
          </tr></thead>
          <tbody>${preview.graduates.map((row) => html`<tr key=${row.line}>
            <td>${row.line}</td><td>${row.name}</td><td>${row.email}</td><td>${row.qualification_name}</td>
            <td>${when(row.valid_until, getLocale())}</td></tr>`)}</tbody>
        </table>
      </div>
      <button type="button" class="button button--primary" onClick=${issue} aria-disabled=${busy ? 'true' : undefined}>
        ${t('staffVouchers.issue', { count: preview.count })}</button>
    </div>`}
  </section>`;
}

function VoucherItem({ voucher, busy, onVoid, onSend }) {
  const locale = getLocale();
  const open = voucher.state === 'issued';
  return html`<li class="staff-item">
    <div class="staff-item__head">
      <h3 class="staff-item__title">${voucher.graduate_name}</h3>
      <span class=${open || voucher.state === 'claimed' ? 'badge badge--ok' : 'badge badge--todo'}>${t(`staffVouchers.state.${voucher.state}`)}</span>
    </div>
    <p class="muted">${voucher.graduate_email} · ${voucher.qualification_name} · ${t('staffVouchers.validUntilDate', { date: when(voucher.valid_until, locale) })}</p>
    ${voucher.void_reason && html`<p>${t('staffVouchers.voidBecause', { reason: voucher.void_reason })}</p>`}
    ${open && html`<p class="staff-item__actions">
      <button type="button" class="button button--secondary button--small" onClick=${() => onSend(voucher)} aria-disabled=${busy ? 'true' : undefined}
        aria-label=${t('staffVouchers.sendLabel', { name: voucher.graduate_name })}>${t('staffVouchers.send')}</button>
      <a class="button button--secondary button--small" download href=${schoolVoucherApi.letterUrl(voucher.id, locale)}
        aria-label=${t('staffVouchers.letterLabel', { name: voucher.graduate_name })}>${t('staffVouchers.letter')}</a>
      <button type="button" class="button button--danger button--small" onClick=${() => onVoid(voucher)}
        aria-label=${t('staffVouchers.voidLabel', { name: voucher.graduate_name })}>${t('staffVouchers.void')}</button>
    </p>`}
  </li>`;
}

/** Claims by someone whose confirmed address is not the graduate's: the school decides. */
function Claims({ claims, busy, onDecide }) {
  if (!claims || claims.length === 0) return null;
  return html`<section class="card" aria-labelledby="claims-title">
    <h2 id="claims-title">${t('staffVouchers.claimsTitle', { count: claims.length })}</h2>
    <p class="muted">${t('staffVouchers.claimsIntro')}</p>
    <ul class="staff-list">${claims.map((claim) => html`<li class="staff-item" key=${claim.id}>
      <p>${t('staffVouchers.claimBy', { name: claim.claimant.display_name, email: claim.claimant.email })}</p>
      <p class="muted">${t('staffVouchers.claimFor', { name: claim.voucher.graduate_name, email: claim.voucher.graduate_email })}</p>
      <p class="staff-item__actions">
        <button type="button" class="button button--primary button--small" onClick=${() => onDecide(claim, true)} aria-disabled=${busy ? 'true' : undefined}
          aria-label=${t('staffVouchers.confirmLabel', { name: claim.claimant.display_name })}>${t('staffVouchers.confirm')}</button>
        <button type="button" class="button button--danger button--small" onClick=${() => onDecide(claim, false)} aria-disabled=${busy ? 'true' : undefined}
          aria-label=${t('staffVouchers.refuseLabel', { name: claim.claimant.display_name })}>${t('staffVouchers.refuse')}</button>
      </p>
    </li>`)}</ul>
  </section>`;
}

export default function StaffVouchersView({ institution, role }) {
  const [batches, setBatches] = useState(null);
  const [vouchers, setVouchers] = useState(null);
  const [claims, setClaims] = useState(null);
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [issuedBatch, setIssuedBatch] = useState(null);
  const [voiding, setVoiding] = useState(null);
  const [voidError, setVoidError] = useState('');
  const [busy, setBusy] = useState(false);

  async function load(state = filter, q = search) {
    try {
      const query = {};
      if (state) query.state = state;
      if (q.trim()) query.q = q.trim();
      const [found, list, waiting] = await Promise.all([schoolVoucherApi.batches(), schoolVoucherApi.vouchers(query), schoolVoucherApi.claims()]);
      setBatches(found);
      setVouchers(list);
      setClaims(waiting);
    } catch (error) {
      setMessage(problemMessage(error));
    }
  }

  useEffect(() => { load(); }, []);

  async function issued(batch) {
    setIssuedBatch(batch);
    setStatus(t('staffVouchers.issued', { count: batch.count }));
    await load();
  }

  async function act(work, done) {
    if (busy) return;
    setBusy(true);
    setMessage('');
    try {
      await work();
      setStatus(done);
      await load();
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function voidOne(reason) {
    if (busy) return;
    setBusy(true);
    setVoidError('');
    try {
      await schoolVoucherApi.void(voiding.id, reason);
      setStatus(t('staffVouchers.voided', { name: voiding.graduate_name }));
      setVoiding(null);
      await load();
    } catch (error) {
      setVoidError(error.fieldErrors && error.fieldErrors.reason ? error.fieldErrors.reason : problemMessage(error));
    } finally {
      setBusy(false);
    }
  }

  function filtered(event) {
    event.preventDefault();
    load(filter, search);
  }

  const stateOptions = [{ value: '', label: t('staffVouchers.allStates') },
    ...STATES.map((state) => ({ value: state, label: t(`staffVouchers.state.${state}`) }))];
  return html`<${StaffPage} intro="staffVouchers.intro">
    <${ServerScope} institution=${institution} role=${role} />
    <${LiveMessage} kind="error" id="vouchers-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="vouchers-status">${status}${issuedBatch && html` <${Letters} batchId=${issuedBatch.id} parts=${Math.ceil(issuedBatch.count / LETTERS_PER_PDF)} label=${t('staffVouchers.batchLabel', { id: issuedBatch.id })} />`}</${LiveMessage}>
    <${Claims} claims=${claims} busy=${busy} onDecide=${(claim, approved) => act(
      () => schoolVoucherApi.decideClaim(claim.id, approved),
      t(approved ? 'staffVouchers.claimConfirmed' : 'staffVouchers.claimRefused', { name: claim.claimant.display_name }))} />
    <${Upload} onIssued=${issued} />
    ${batches && batches.length > 0 && html`<section class="card" aria-labelledby="batches-title">
      <h2 id="batches-title">${t('staffVouchers.batchesTitle')}</h2>
      <ul class="staff-list">${batches.map((batch) => {
        const label = t('staffVouchers.batchLabel', { id: batch.id });
        return html`<li class="staff-item" key=${batch.id}>
          <p><strong>${label}</strong> · ${t('staffVouchers.batchFacts', { date: when(batch.created_at, getLocale()), count: batch.count, open: batch.open })}</p>
          ${batch.open > 0 && html`<${Letters} batchId=${batch.id} parts=${batch.letter_parts} label=${label} />`}
        </li>`;
      })}</ul>
    </section>`}
    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title">${t('staffVouchers.listTitle')}</h2>
      <form class="form staff-filter" onSubmit=${filtered} role="search" aria-label=${t('staffVouchers.filterLabel')}>
        <${SelectField} id="voucher-state" label=${t('staffVouchers.stateLabel')} value=${filter}
          onChange=${(value) => { setFilter(value); load(value, search); }} options=${stateOptions} />
        <${Field} id="voucher-search" type="search" label=${t('staffVouchers.search')} value=${search} onInput=${setSearch} />
        <button type="submit" class="button button--secondary">${t('staffVouchers.searchButton')}</button>
      </form>
      ${!vouchers && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
      ${vouchers && vouchers.length === 0 && html`<p class="muted">${t('staffVouchers.none')}</p>`}
      ${vouchers && html`<ul class="staff-list" aria-label=${t('staffVouchers.listTitle')}>
        ${vouchers.map((voucher) => html`<${VoucherItem} key=${voucher.id} voucher=${voucher} busy=${busy}
          onVoid=${(chosen) => { setVoidError(''); setVoiding(chosen); }}
          onSend=${(chosen) => act(() => schoolVoucherApi.sendCode(chosen.id, getLocale()), t('staffVouchers.sent', { email: chosen.graduate_email }))} />`)}
      </ul>`}
    </section>
    <${ReasonDialog} open=${Boolean(voiding)} busy=${busy} error=${voidError}
      title=${voiding ? t('staffVouchers.voidTitle', { name: voiding.graduate_name }) : ''}
      body=${t('staffVouchers.voidBody')} confirmLabel=${t('staffVouchers.void')}
      onConfirm=${voidOne} onCancel=${() => setVoiding(null)} />
  </${StaffPage}>`;
}
