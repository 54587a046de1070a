// The Rooster tab: my enrolled runs (cancel one), my schedule in the phone's calendar through
// a secret webcal link, and the carousel of a qualification.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { LiveMessage, SelectField } from '../core/components.js';
import { Link } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { routeApi } from '../routes/api.js';
import { ConfirmDialog, RunFacts } from '../routes/ui.js';
import { CATALOG_TIME_ZONE, formatDateRange } from '../routes/words.js';
import { Carousel } from './carousel.js';

// The calendar link is shown once by the server: keep it while the app runs (for the same
// learner only), never on disk.
let memory = { owner: null, feedUrl: '', qualificationId: '' };

function memoryOf(user) {
  const owner = user ? user.id ?? user.email : null;
  if (memory.owner !== owner) memory = { owner, feedUrl: '', qualificationId: '' };
  return memory;
}

export function webcalUrl(url) {
  return url.replace(/^https?:/i, 'webcal:');
}

function blockLabel(block) {
  return block ? `${block.code} ${block.name}` : '';
}

function MySchedule({ schedule, timeZone, onCancel, message, status }) {
  const zone = (schedule && schedule.time_zone) || CATALOG_TIME_ZONE;
  const enrolments = ((schedule && schedule.enrolments) || []).filter((e) => e.status !== 'cancelled');
  return html`<section class="card" aria-labelledby="mine-title">
    <h2 id="mine-title">${t('schedule.mine.heading')}</h2>
    <${LiveMessage} kind="error" id="mine-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="mine-status">${status}</${LiveMessage}>
    ${!schedule && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${schedule && enrolments.length === 0 && html`<p class="muted">${t('schedule.mine.empty')}</p>
      <p><${Link} href="/route">${t('schedule.mine.toRoute')}</${Link}></p>`}
    ${enrolments.length > 0 && html`<p class="field__hint zone-note">${timeZone && timeZone !== zone
      ? t('schedule.mine.zoneOther', { zone, own: timeZone })
      : t('schedule.mine.zone', { zone })}</p>
      <ol class="agenda">
        ${enrolments.map((enrolment) => html`<li class="agenda__item">
          <p class="timeline__dates">${formatDateRange(enrolment.run.start_date, enrolment.run.end_date)}</p>
          <h3 class="timeline__title">${blockLabel(enrolment.block)}</h3>
          <p class="muted">${[enrolment.qualification, enrolment.institution && enrolment.institution.name].filter(Boolean).join(' · ')}</p>
          <${RunFacts} run=${enrolment.run} timeZone=${timeZone} seats=${false} />
          <button type="button" class="button button--secondary button--compact" onClick=${() => onCancel(enrolment)}
            aria-label=${t('schedule.mine.cancelFor', { block: blockLabel(enrolment.block) })}>${t('schedule.mine.cancel')}</button>
        </li>`)}
      </ol>`}
  </section>`;
}

function CalendarLink() {
  const [url, setUrl] = useState(memory.feedUrl);
  const [busy, setBusy] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const input = useRef(null);

  function remember(value) {
    memory.feedUrl = value;
    setUrl(value);
  }

  async function create() {
    if (busy) return;
    setBusy('create');
    setMessage('');
    setStatus('');
    try {
      const feed = await routeApi.createFeed();
      remember(feed.url);
      setStatus(t('schedule.calendar.created'));
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy('');
    }
  }

  async function revoke() {
    if (busy) return;
    setBusy('revoke');
    setMessage('');
    setStatus('');
    try {
      await routeApi.revokeFeed();
      remember('');
      setStatus(t('schedule.calendar.revoked'));
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy('');
    }
  }

  async function copy() {
    setMessage('');
    try {
      await navigator.clipboard.writeText(url);
      setStatus(t('schedule.calendar.copied'));
    } catch {
      const field = input.current;
      if (field) {
        field.focus();
        field.select();
      }
      let copied = false;
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      if (copied) setStatus(t('schedule.calendar.copied'));
      else setMessage(t('schedule.calendar.copyFailed'));
    }
  }

  return html`<section class="card" aria-labelledby="calendar-title">
    <h2 id="calendar-title">${t('schedule.calendar.heading')}</h2>
    <p>${t('schedule.calendar.intro')}</p>
    <${LiveMessage} kind="error" id="calendar-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="calendar-status">${status}</${LiveMessage}>
    ${url
      ? html`<div class="feed">
          <div class="field">
            <label for="feed-url">${t('schedule.calendar.link')}</label>
            <p class="field__hint" id="feed-url-hint">${t('schedule.calendar.once')}</p>
            <input ref=${input} id="feed-url" name="feed-url" type="url" readonly value=${url} aria-describedby="feed-url-hint"
              onFocus=${(event) => event.currentTarget.select()} />
          </div>
          <div class="actions">
            <a class="button button--primary" href=${webcalUrl(url)}>${t('schedule.calendar.open')}</a>
            <button type="button" class="button button--secondary" onClick=${copy}>${t('schedule.calendar.copy')}</button>
          </div>
          <button type="button" class="button button--stop button--block" onClick=${revoke} aria-disabled=${busy === 'revoke' ? 'true' : undefined}>
            ${busy === 'revoke' ? t('schedule.calendar.revoking') : t('schedule.calendar.revoke')}
          </button>
        </div>`
      : html`<div class="feed">
          <button type="button" class="button button--primary button--block" onClick=${create} aria-disabled=${busy === 'create' ? 'true' : undefined}>
            ${busy === 'create' ? t('schedule.calendar.creating') : t('schedule.calendar.create')}
          </button>
          <p class="field__hint">${t('schedule.calendar.revokeHint')}</p>
          <button type="button" class="button button--secondary button--block" onClick=${revoke} aria-disabled=${busy === 'revoke' ? 'true' : undefined}>
            ${busy === 'revoke' ? t('schedule.calendar.revoking') : t('schedule.calendar.revokeAny')}
          </button>
        </div>`}
  </section>`;
}

/** The qualification the learner follows: that of their first module still on the schedule. */
function ownQualification(schedule, qualifications) {
  const active = ((schedule && schedule.enrolments) || []).filter((e) => e.status !== 'cancelled');
  const known = new Set(qualifications.map((q) => String(q.id)));
  const own = active.map((e) => String(e.qualification_id)).find((id) => known.has(id));
  return own || (qualifications[0] ? String(qualifications[0].id) : '');
}

function CarouselSection({ qualifications, schedule, enrolledRuns, timeZone }) {
  const [qualificationId, setQualificationId] = useState(memory.qualificationId || ownQualification(schedule, qualifications));
  const [carousel, setCarousel] = useState(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    if (!qualificationId) return undefined;
    memory.qualificationId = qualificationId;
    let live = true;
    setMessage('');
    routeApi.carousel(qualificationId)
      .then((answer) => live && setCarousel(answer))
      .catch((error) => {
        if (!live) return;
        setCarousel(null);
        setMessage(problemMessage(error));
      });
    return () => { live = false; };
  }, [qualificationId]);

  const shown = carousel && carousel.qualification && String(carousel.qualification.id) === String(qualificationId) ? carousel : null;
  return html`<section class="card" aria-labelledby="carousel-title">
    <h2 id="carousel-title">${t('schedule.carousel.heading')}</h2>
    <p class="lead">${t('schedule.carousel.intro')}</p>
    <${SelectField} id="carousel-qualification" label=${t('schedule.carousel.qualification')} value=${qualificationId}
      onChange=${setQualificationId}
      options=${qualifications.map((q) => ({ value: String(q.id), label: q.name }))} />
    <${LiveMessage} kind="error" id="carousel-error">${message}</${LiveMessage}>
    ${!shown && !message && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${shown && html`<${Carousel} carousel=${shown} enrolledRuns=${enrolledRuns} timeZone=${timeZone} />`}
  </section>`;
}

export function ScheduleView({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  memoryOf(user);
  const [schedule, setSchedule] = useState(null);
  const [qualifications, setQualifications] = useState(null);
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [cancelling, setCancelling] = useState(null);
  const [busy, setBusy] = useState(false);

  async function loadSchedule() {
    try {
      setSchedule(await routeApi.schedule());
    } catch (error) {
      setSchedule((current) => current || { time_zone: CATALOG_TIME_ZONE, enrolments: [] });
      setMessage(problemMessage(error));
    }
  }

  useEffect(() => {
    loadSchedule();
    routeApi.qualifications().then(setQualifications).catch(() => setQualifications([]));
  }, []);

  async function cancelConfirmed() {
    if (!cancelling || busy) return;
    setBusy(true);
    setMessage('');
    setStatus('');
    try {
      await routeApi.cancelEnrolment(cancelling.id);
      setStatus(t('schedule.mine.cancelled', { block: blockLabel(cancelling.block) }));
      await loadSchedule();
    } catch (error) {
      setMessage(problemMessage(error));
    } finally {
      setBusy(false);
      setCancelling(null);
    }
  }

  const enrolledRuns = new Set(((schedule && schedule.enrolments) || []).filter((e) => e.status !== 'cancelled').map((e) => e.run.id));

  return html`<section aria-labelledby="page-title" class="schedule-page">
    <h1 id="page-title" tabindex="-1">${t('schedule.title')}</h1>
    <${MySchedule} schedule=${schedule} timeZone=${timeZone} onCancel=${setCancelling} message=${message} status=${status} />
    <${CalendarLink} />
    ${schedule && qualifications && qualifications.length > 0 && html`<${CarouselSection} qualifications=${qualifications} schedule=${schedule} enrolledRuns=${enrolledRuns} timeZone=${timeZone} />`}
    <${ConfirmDialog} open=${Boolean(cancelling)} busy=${busy}
      title=${cancelling ? t('schedule.mine.confirmTitle', { block: blockLabel(cancelling.block) }) : ''}
      confirmLabel=${busy ? t('schedule.mine.cancelling') : t('schedule.mine.confirmYes')} cancelLabel=${t('schedule.mine.confirmNo')}
      onConfirm=${cancelConfirmed} onCancel=${() => setCancelling(null)}>
      ${cancelling && html`<p>${t('schedule.mine.confirmBody', { dates: formatDateRange(cancelling.run.start_date, cancelling.run.end_date) })}</p>`}
    </${ConfirmDialog}>
  </section>`;
}
