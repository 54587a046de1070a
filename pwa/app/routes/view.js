// The Route tab, "Mijn leerweg": choose a qualification and a persona, set preferences, see
// the earliest route with its reasons and alternatives (or what would make one possible),
// save it and enrol in all its modules at once.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t, getLocale, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { ApiError } from '../core/api.js';
import { LiveMessage, SelectField } from '../core/components.js';
import { Link } from '../core/router.js';
import { focusFirstInvalid, problemMessage } from '../core/forms.js';
import { routeApi } from './api.js';
import { PreferencesFields, checkPreferences, preferencesBody, preferencesFrom, setHard } from './prefs.js';
import { NoRoute, PlanResult } from './plan.js';
import { ConfirmDialog } from './ui.js';
import { formatDate, formatDateRange } from './words.js';
import { PushOffer } from '../notifications/push.js';
import { ProgressCards } from './progress.js';

// What the learner chose and got, kept while the app runs, so switching tabs loses nothing.
// Only in memory and only for the same learner: nothing outlives the page or the session.
let memory = {};

function memoryOf(user) {
  const owner = user ? user.id ?? user.email : null;
  if (memory.owner !== owner) memory = { owner };
  return memory;
}

/** Blocks by code, for naming them in reasons: from the qualification and from the plans. */
function blocksByCode(detail, result) {
  const blocks = {};
  ((detail && detail.blocks) || []).forEach((block) => { blocks[block.code] = block; });
  const plans = result && result.plan ? [result.plan, ...(result.alternatives || [])] : [];
  plans.forEach((plan) => {
    plan.choices.forEach((choice) => { blocks[choice.block.code] = choice.block; });
    (plan.exempted || []).forEach((block) => { blocks[block.code] = block; });
  });
  return blocks;
}

/** Whether the planner found changes that would make a route possible. */
function noRouteHelps(result) {
  return Boolean(result && result.infeasibility && result.infeasibility.relaxations.length);
}

function qualificationLabel(q) {
  return t('route.goal.option', { name: q.name, level: q.level, institution: q.institution ? q.institution.name : '' });
}

/** Apply a suggested relaxation to the preferences. */
function relaxed(prefs, change) {
  if (change.code === 'make_soft') return setHard(prefs, change.preference, false);
  if (change.code === 'extend_horizon') return { ...prefs, horizon_end: change.horizon_end };
  if (change.code === 'relax_all') {
    const names = new Set(change.preferences || prefs.hard);
    return { ...prefs, hard: prefs.hard.filter((n) => !names.has(n)), horizon_end: change.horizon_end || prefs.horizon_end };
  }
  return prefs;
}

function SavedRoutes({ routes, personas, enrolledRuns, onEnrol, onDelete, message, status }) {
  const personaName = (key) => (personas.find((p) => p.key === key) || {}).name || key;
  return html`<section class="card" aria-labelledby="saved-title">
    <h2 id="saved-title">${t('route.saved.heading')}</h2>
    <${LiveMessage} kind="error" id="saved-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="saved-status">${status}</${LiveMessage}>
    ${routes.length === 0
      ? html`<p class="muted">${t('route.saved.empty')}</p>`
      : html`<ul class="saved">
        ${routes.map((route) => {
          const choices = (route.plan && route.plan.choices) || [];
          const enrolled = choices.length > 0 && choices.every((c) => c.run && enrolledRuns.has(c.run.id));
          const title = route.qualification ? route.qualification.name : '';
          return html`<li class="saved__item">
            <h3 class="saved__title">${title}</h3>
            <p class="saved__meta">${personaName(route.persona)} · ${route.finish_date ? t('route.plan.finishes', { date: formatDate(route.finish_date) }) : ''}</p>
            <ul class="saved__blocks">
              ${choices.map((c) => html`<li>${c.block ? `${c.block.code} ${c.block.name}` : ''}: ${formatDateRange(c.start, c.end)}</li>`)}
            </ul>
            <div class="saved__actions">
              ${enrolled
                ? html`<p class="badge badge--ok">${t('route.saved.enrolled')} <${Link} href="/rooster">${t('route.enrol.toSchedule')}</${Link}></p>`
                : html`<button type="button" class="button button--primary" onClick=${() => onEnrol(route)}
                    aria-label=${t('route.enrol.allFor', { name: title })}>${t('route.enrol.all')}</button>`}
              <button type="button" class="button button--secondary" onClick=${() => onDelete(route)}
                aria-label=${t('route.saved.deleteFor', { name: title })}>${t('route.saved.delete')}</button>
            </div>
          </li>`;
        })}
      </ul>`}
  </section>`;
}

export function RouteView({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  memoryOf(user);
  const [qualifications, setQualifications] = useState(memory.qualifications || null);
  const [personas, setPersonas] = useState(memory.personas || []);
  // The form waits for the first personas: their cards arriving later pushed everything
  // below them down the page (a layout shift of 0.35 on a phone).
  const [personasSettled, setPersonasSettled] = useState((memory.personas || []).length > 0);
  const [qualificationId, setQualificationId] = useState(memory.qualificationId || '');
  const [persona, setPersona] = useState(memory.persona || '');
  const [prefs, setPrefs] = useState(memory.prefs || preferencesFrom());
  const [useExemptions, setUseExemptions] = useState(memory.useExemptions ?? true);
  const [detail, setDetail] = useState(memory.detail || null);
  const [result, setResult] = useState(memory.result || null);
  const [selected, setSelected] = useState(memory.selected || 0);
  const [savedRoute, setSavedRoute] = useState(memory.savedRoute || null);
  const [routes, setRoutes] = useState(memory.routes || []);
  const [enrolledRuns, setEnrolledRuns] = useState(new Set());
  const [errors, setErrors] = useState({});
  const [loadError, setLoadError] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState('');
  const [noRoute, setNoRoute] = useState('');
  const [feedback, setFeedback] = useState({}); // {where: 'result'|'saved', error, status}
  const [busy, setBusy] = useState('');
  const [confirm, setConfirm] = useState(null); // {kind: 'enrol'|'delete', route}
  const form = useRef(null);
  const restored = useRef(Boolean(memory.persona)).current; // persona and its defaults chosen before
  const resultHeading = useRef(null);
  const focusResult = useRef(false);

  useEffect(() => {
    Object.assign(memory, { qualifications, personas, qualificationId, persona, prefs, useExemptions, detail, result, selected, savedRoute, routes });
  });

  // Fetched again after each change, so the offline copy shows the latest routes too.
  function refreshRoutes() {
    routeApi.routes().then((list) => setRoutes(list || [])).catch(() => {});
  }

  async function loadSchedule() {
    try {
      const schedule = await routeApi.schedule();
      setEnrolledRuns(new Set((schedule.enrolments || []).map((e) => e.run && e.run.id)));
    } catch {
      // not essential: the enrol buttons stay
    }
  }

  useEffect(() => {
    (async () => {
      const [qs, rs] = await Promise.allSettled([routeApi.qualifications(), routeApi.routes()]);
      if (qs.status === 'fulfilled') {
        setQualifications(qs.value || []);
        if (!qualificationId && qs.value && qs.value.length) setQualificationId(String(qs.value[0].id));
        if (!qs.value || !qs.value.length) loadPersonas('');
      } else if (!qualifications) {
        setLoadError(problemMessage(qs.reason));
        loadPersonas('');
      }
      if (rs.status === 'fulfilled') setRoutes(rs.value || []);
    })();
    loadSchedule();
  }, []);

  // The personas' defaults depend on the qualification (a pace its groups meet): fetched for
  // each one chosen. The learner's own persona (the one they last planned with) comes first.
  const personasLoaded = useRef(memory.personasFor ?? null);
  const now = useRef({});
  now.current = { personas, persona };
  function loadPersonas(forQualification) {
    const key = `${forQualification}|${getLocale()}`;
    if (personasLoaded.current === key) return;
    personasLoaded.current = key;
    routeApi.personas(forQualification).then((list) => {
      if (personasLoaded.current !== key) return;
      setPersonasSettled(true);
      if (!list || !list.length) return;
      memory.personasFor = key;
      const before = now.current.personas;
      setPersonas(list);
      adoptDefaults(list, before, now.current.persona);
    }).catch(() => { personasLoaded.current = null; setPersonasSettled(true); });
  }

  function adoptDefaults(list, before, current) {
    const own = user && list.find((p) => p.key === user.persona);
    const key = current || (own || list[0]).key;
    const chosen = list.find((p) => p.key === key) || list[0];
    if (!current) {
      setPersona(chosen.key);
      if (!restored) setPrefs((kept) => preferencesFrom(chosen.defaults, kept));
      return;
    }
    // Another qualification: its pace, unless the learner set one of their own.
    const earlier = (before.find((p) => p.key === key) || {}).defaults;
    if (!earlier) return;
    const asText = (value) => (value == null ? '' : String(value));
    setPrefs((kept) => (asText(kept.max_hours_per_week) === asText(earlier.max_hours_per_week)
      ? { ...kept, max_hours_per_week: asText(chosen.defaults.max_hours_per_week) }
      : kept));
  }

  useEffect(() => {
    if (qualificationId) loadPersonas(String(qualificationId));
  }, [qualificationId]);

  const locale = getLocale();
  useEffect(() => {
    if (!qualificationId || (detail && String(detail.id) === String(qualificationId) && detail.locale === locale)) return undefined;
    let live = true;
    routeApi.qualification(qualificationId).then((d) => live && setDetail({ ...d, locale })).catch(() => {});
    return () => { live = false; };
  }, [qualificationId, locale]);

  useEffect(() => {
    if (focusResult.current && resultHeading.current) {
      focusResult.current = false;
      resultHeading.current.focus();
    }
  });

  function changed() {
    setFeedback({});
    setResult(null);
    setSavedRoute(null);
    setStatus('');
    setNoRoute('');
    setMessage('');
  }

  function choosePersona(key) {
    const chosen = personas.find((p) => p.key === key);
    setPersona(key);
    setPrefs(preferencesFrom(chosen && chosen.defaults, prefs));
    changed();
  }

  function planBody(preferences = prefs) {
    return {
      qualification_id: Number(qualificationId),
      persona,
      preferences: preferencesBody(preferences),
      use_exemptions: useExemptions,
    };
  }

  async function plan(preferences = prefs) {
    if (busy) return;
    const found = checkPreferences(preferences);
    if (!qualificationId) found.qualification = t('validation.required');
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage(t('app.fieldErrorsSummary'));
      focusFirstInvalid(form.current, found);
      return;
    }
    const body = planBody(preferences);
    setBusy('plan');
    setMessage('');
    setStatus('');
    setNoRoute('');
    setSavedRoute(null);
    try {
      const answer = await routeApi.plan(body);
      setResult({ ...answer, body });
      setSelected(0);
      setStatus(answer.plan ? t('route.plan.found', { date: formatDate(answer.plan.finish) }) : '');
      setNoRoute(answer.plan ? '' : t(noRouteHelps(answer) ? 'route.none.status' : 'route.none.statusNothingHelps'));
      focusResult.current = true;
    } catch (error) {
      const fieldErrors = {};
      Object.entries(error instanceof ApiError ? error.fieldErrors : {}).forEach(([key, text]) => {
        fieldErrors[key.replace(/^preferences\./, '').replace(/\.\d+$/, '')] = text;
      });
      setErrors(fieldErrors);
      setMessage(problemMessage(error));
      focusFirstInvalid(form.current, fieldErrors);
    } finally {
      setBusy('');
    }
  }

  function submit(event) {
    event.preventDefault();
    plan();
  }

  function applyRelaxation(relaxation) {
    const next = relaxed(prefs, relaxation.change || {});
    setPrefs(next);
    plan(next);
  }

  async function save() {
    if (busy || !result) return;
    setBusy('save');
    setFeedback({});
    try {
      const route = await routeApi.saveRoute(result.body, selected);
      setSavedRoute(route);
      setRoutes((current) => [route, ...current.filter((r) => r.id !== route.id)]);
      setFeedback({ where: 'result', status: t('route.saved.done') });
      refreshRoutes();
    } catch (error) {
      setFeedback({ where: 'result', error: problemMessage(error) });
    } finally {
      setBusy('');
    }
  }

  async function confirmed() {
    if (!confirm || busy) return;
    const { kind, route, where } = confirm;
    setBusy(kind);
    setFeedback({});
    setMessage('');
    try {
      if (kind === 'enrol') {
        const enrolments = await routeApi.enrolRoute(route.id);
        // htm drops whitespace that holds a line break: the space before the link is explicit.
        setFeedback({ where, status: html`${t(enrolments.length === 1 ? 'route.enrol.doneOne' : 'route.enrol.done', { n: enrolments.length })}${' '}<${Link} href="/rooster">${t('route.enrol.toSchedule')}</${Link}><${PushOffer} />` });
        await loadSchedule();
      } else {
        await routeApi.deleteRoute(route.id);
        setRoutes((current) => current.filter((r) => r.id !== route.id));
        if (savedRoute && savedRoute.id === route.id) setSavedRoute(null);
        setFeedback({ where, status: t('route.saved.deleted') });
        refreshRoutes();
      }
    } catch (error) {
      setFeedback({ where, error: problemMessage(error) });
    } finally {
      setBusy('');
      setConfirm(null);
    }
  }

  const blocks = blocksByCode(detail, result);
  const enrolledAll = (route) => {
    const choices = (route.plan && route.plan.choices) || [];
    return choices.length > 0 && choices.every((c) => c.run && enrolledRuns.has(c.run.id));
  };
  const current = (qualifications || []).find((q) => String(q.id) === String(qualificationId));
  const confirmRoute = confirm && confirm.route;
  const confirmChoices = (confirmRoute && confirmRoute.plan && confirmRoute.plan.choices) || [];

  return html`<section aria-labelledby="page-title" class="route-page">
    <h1 id="page-title" tabindex="-1">${t('route.title')}</h1>
    <p class="lead">${t('route.intro')}</p>
    <${LiveMessage} kind="error" id="route-load-error">${loadError}</${LiveMessage}>
    ${(!qualifications || (qualifications.length > 0 && !personasSettled)) && !loadError && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${qualifications && qualifications.length === 0 && html`<p class="card">${t('route.goal.noCatalog')}</p>`}
    <${ProgressCards} />
    ${qualifications && qualifications.length > 0 && personasSettled && html`<form ref=${form} class="route-form" onSubmit=${submit} novalidate>
      <div class="card">
        <h2>${t('route.goal.heading')}</h2>
        <${SelectField} id="qualification" label=${t('route.goal.qualification')} hint=${t('route.goal.qualificationHint')}
          value=${qualificationId} error=${errors.qualification}
          onChange=${(value) => { setQualificationId(value); changed(); }}
          options=${qualifications.map((q) => ({ value: String(q.id), label: qualificationLabel(q) }))} />
        ${current && current.description && html`<p class="muted qualification__description">${current.description}</p>`}
        <fieldset class="personas" aria-describedby="persona-hint">
          <legend class="prefgroup__legend">${t('route.persona.legend')}</legend>
          <p class="field__hint" id="persona-hint">${t('route.persona.hint')}</p>
          ${personas.length === 0 && html`<p class="muted">${t('route.persona.unavailable')}</p>`}
          <ul class="personas__list">
            ${personas.map((p) => html`<li>
              <label class="option option--persona">
                <input type="radio" name="persona" value=${p.key} checked=${persona === p.key}
                  aria-labelledby=${`persona-${p.key}`} aria-describedby=${`persona-${p.key}-about`}
                  onChange=${() => choosePersona(p.key)} />
                <span class="option__text">
                  <span class="option__name" id=${`persona-${p.key}`}>${p.name}</span>
                  <span id=${`persona-${p.key}-about`}>
                    <span class="option__detail">${p.explanation}</span>
                    <span class="option__detail option__recognition">${t('route.persona.recognition', { text: p.recognition })}</span>
                  </span>
                </span>
              </label>
            </li>`)}
          </ul>
        </fieldset>
      </div>
      <div class="card">
        <h2>${t('route.prefs.heading')}</h2>
        <${PreferencesFields} prefs=${prefs} errors=${errors} useExemptions=${useExemptions}
          onChange=${(next) => { setPrefs(next); changed(); }}
          onUseExemptions=${(value) => { setUseExemptions(value); changed(); }} />
        <${LiveMessage} kind="error" id="route-error">${message}</${LiveMessage}>
        <button type="submit" class="button button--primary button--block" aria-disabled=${busy === 'plan' ? 'true' : undefined}>
          ${busy === 'plan' ? t('route.prefs.busy') : t('route.prefs.submit')}
        </button>
      </div>
    </form>`}
    <${LiveMessage} kind="status" id="route-status">${status}</${LiveMessage}>
    <${LiveMessage} kind="info" id="route-none">${noRoute && html`${noRoute}
      ${noRouteHelps(result) && html`<button type="button" class="button button--secondary button--compact notice__action"
        onClick=${() => document.getElementById('relaxations').focus()}>${t('route.none.toHelp')}</button>`}`}</${LiveMessage}>
    ${result && result.plan && html`<${PlanResult} result=${result} selected=${selected} onSelect=${(i) => { setSelected(i); setSavedRoute(null); }}
      blocks=${blocks} timeZone=${timeZone} headingRef=${resultHeading}>
      <div class="result__actions">
        <${LiveMessage} kind="error" id="result-error">${feedback.where === 'result' && feedback.error}</${LiveMessage}>
        <${LiveMessage} kind="status" id="result-status">${feedback.where === 'result' && feedback.status}</${LiveMessage}>
        ${savedRoute && enrolledAll(savedRoute) ? '' : savedRoute
          ? html`<button type="button" class="button button--primary button--block" onClick=${() => setConfirm({ kind: 'enrol', route: savedRoute, where: 'result' })}>
              ${t('route.enrol.all')}
            </button>`
          : html`<button type="button" class="button button--primary button--block" onClick=${save} aria-disabled=${busy === 'save' ? 'true' : undefined}>
              ${busy === 'save' ? t('route.saved.saving') : t('route.saved.save')}
            </button>`}
      </div>
    </${PlanResult}>`}
    ${result && !result.plan && html`<${NoRoute} result=${result} blocks=${blocks} preferences=${prefs}
      onApply=${applyRelaxation} busy=${Boolean(busy)} headingRef=${resultHeading} />`}
    ${qualifications && personasSettled && html`<${SavedRoutes} routes=${routes} personas=${personas} enrolledRuns=${enrolledRuns}
      message=${feedback.where === 'saved' && feedback.error} status=${feedback.where === 'saved' && feedback.status}
      onEnrol=${(route) => setConfirm({ kind: 'enrol', route, where: 'saved' })} onDelete=${(route) => setConfirm({ kind: 'delete', route, where: 'saved' })} />`}
    <${ConfirmDialog} open=${Boolean(confirm)} busy=${Boolean(busy)}
      title=${confirm && confirm.kind === 'delete' ? t('route.saved.confirmDelete') : t('route.enrol.confirmTitle')}
      confirmLabel=${confirm && confirm.kind === 'delete'
        ? t('route.saved.confirmDeleteYes')
        : (busy === 'enrol' ? t('route.enrol.busy') : t('route.enrol.confirm'))}
      cancelLabel=${t('route.enrol.cancel')}
      onConfirm=${confirmed} onCancel=${() => setConfirm(null)}>
      ${confirm && confirm.kind === 'enrol' && html`<p>${t('route.enrol.confirmBody', { n: confirmChoices.length })}</p>
        <ul class="dialog__list">
          ${confirmChoices.map((c) => html`<li>
            <strong>${c.block ? `${c.block.code} ${c.block.name}` : ''}</strong>
            <span class="muted-inline">${formatDateRange(c.start, c.end)}${c.run && c.run.institution ? ` · ${c.run.institution.name}` : ''}</span>
          </li>`)}
        </ul>
        <p class="muted">${t('route.enrol.allOrNothing')}</p>`}
      ${confirm && confirm.kind === 'delete' && html`<p>${t('route.saved.confirmDeleteBody', { name: confirmRoute.qualification ? confirmRoute.qualification.name : '' })}</p>`}
    </${ConfirmDialog}>
  </section>`;
}
