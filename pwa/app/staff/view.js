// The staff section's frame: which institution, the section navigation, and the section's
// screen (sections.js), each loaded when first shown. Shown only to staff (features.js);
// the server refuses anyone else anyway.
import { html, useEffect, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { LiveMessage, SelectField } from '../core/components.js';
import { problemMessage } from '../core/forms.js';
import { Link, navigate, useRoute } from '../core/router.js';
import { SECTIONS } from './sections.js';
import { staffApi } from './api.js';

const CHOSEN = 'ed.staff.institution';
const screens = new Map();

/** The screen of a section module: its default export, else its first component. */
function screenOf(module) {
  if (typeof module.default === 'function') return module.default;
  return Object.values(module).find((value) => typeof value === 'function');
}

function loadScreen(section) {
  if (!screens.has(section.path)) {
    const loading = section.load().then(screenOf);
    loading.catch(() => screens.delete(section.path));
    screens.set(section.path, loading);
  }
  return screens.get(section.path);
}

function sectionFor(path) {
  return SECTIONS.find((section) => path === section.path || path.startsWith(`${section.path}/`));
}

function storedSlug() {
  try {
    return localStorage.getItem(CHOSEN) || '';
  } catch {
    return '';
  }
}

function SectionScreen({ section, ...props }) {
  const [Screen, setScreen] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    setFailed(false);
    loadScreen(section)
      .then((component) => current && setScreen(() => component))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [section.path]);
  if (failed) return html`<p class="notice notice--error" role="alert">${t('app.viewFailed')}</p>`;
  if (!Screen) return html`<p class="loading" role="status">${t('app.loading')}</p>`;
  return html`<${Screen} key=${section.path} ...${props} />`;
}

export function StaffView() {
  const path = useRoute();
  const [home, setHome] = useState(null);
  const [error, setError] = useState('');
  const [slug, setSlug] = useState(storedSlug());
  const section = sectionFor(path);

  useEffect(() => {
    staffApi.home().then(setHome).catch((problem) => setError(problemMessage(problem)));
  }, []);

  useEffect(() => {
    if (!section) navigate(SECTIONS[0].path, { replace: true });
  }, [section]);

  function choose(value) {
    setSlug(value);
    try {
      localStorage.setItem(CHOSEN, value);
    } catch {
      // private mode: chosen for this page only
    }
  }

  const institutions = (home && home.institutions) || [];
  const institution = institutions.find((item) => item.slug === slug) || institutions[0];

  return html`<section class="staff" aria-labelledby="page-title">
    <p class="staff__kicker">${t('staff.title')}${institution ? ` · ${institution.name}` : ''}</p>
    <h1 id="page-title" tabindex="-1">${section ? t(section.label) : t('staff.title')}</h1>
    <nav class="staff-nav" aria-label=${t('staff.nav.label')}>
      <ul class="staff-nav__list">
        ${SECTIONS.map((item) => html`<li>
          <${Link} href=${item.path} class="staff-nav__link" aria-current=${item === section ? 'page' : undefined}>${t(item.label)}</${Link}>
        </li>`)}
      </ul>
    </nav>
    <${LiveMessage} kind="error" id="staff-error">${error}</${LiveMessage}>
    ${institutions.length > 1 && html`<${SelectField} id="staff-institution" label=${t('staff.institution')}
      value=${institution.slug} onChange=${choose}
      options=${institutions.map((item) => ({ value: item.slug, label: item.name }))} />`}
    ${!home && !error && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${home && !institution && html`<p class="notice notice--info">${t('staff.noInstitution')}</p>`}
    ${home && institution && section && html`<${SectionScreen} key=${`${institution.slug}:${section.path}`}
      section=${section} institution=${institution} role=${home.role} path=${path} />`}
  </section>`;
}
