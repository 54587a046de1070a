// The Dossier tab: the learner's credentials as cards (badge, title, issuer, date, status)
// and their self-declared experience. Sub-pages: /dossier/add, /dossier/offer, /dossier/<id>,
// /dossier/print, /dossier/experience/new and /dossier/experience/<id>.
import { html, useEffect, useState } from '../core/html.js';
import { t, DEFAULT_TIME_ZONE } from '../core/i18n.js';
import { LiveMessage, Icon, LazyView } from '../core/components.js';
import { Link, useRoute } from '../core/router.js';
import { problemMessage } from '../core/forms.js';
import { dossierApi, takeNotice } from './api.js';
import { precacheApi } from '../core/sw-client.js';
import { BadgeImage, StatusBadge, credentialTitle, formatDate, issuerName, period } from './parts.js';
import { CredentialDetailView } from './detail.js';
import { ShareDetailView, SharesSection } from '../sharing/list.js';
import { shareApi } from '../sharing/api.js';

// The sub-pages that add or share, each loaded when first opened (a cold /dossier loads the
// list only). A badge's details stay in this module: they open offline right after sign-in.
const SUB_PAGES = {
  add: () => import('./add.js').then((module) => module.AddCredentialView),
  offer: () => import('../openid4vci/receive.js').then((module) => module.ReceiveOfferView),
  share: () => import('../sharing/new.js').then((module) => module.ShareNewView),
  print: () => import('../sharing/print.js').then((module) => module.PrintView),
  present: () => import('../openid4vp/present.js').then((module) => module.PresentView),
};
const EXPERIENCE_FORM = () => import('./experience.js').then((module) => module.ExperienceFormView);

function CredentialCard({ credential, timeZone }) {
  const summary = credential.summary || {};
  const verification = credential.verification || {};
  const title = credentialTitle(summary);
  return html`<li class="credential-card">
    <${BadgeImage} credential=${credential} />
    <div class="credential-card__body">
      <h3 class="credential-card__title">
        <${Link} href=${`/dossier/${credential.id}`}>${title}</${Link}>
      </h3>
      ${(summary.issuer_name || !summary.issuer_id) && html`<p class="credential-card__issuer">${issuerName(summary)}</p>`}
      ${summary.issued_on && html`<p class="credential-card__date">${t('dossier.issuedOn', { date: formatDate(summary.issued_on, timeZone) })}</p>`}
      <${StatusBadge} status=${verification.status} />
      ${verification.checked_at && html`<p class="credential-card__checked">${t('dossier.lastVerified', { date: formatDate(verification.checked_at, timeZone) })}</p>`}
    </div>
  </li>`;
}

function ExperienceCard({ item, timeZone }) {
  return html`<li class="experience-card">
    <p class="self-declared"><${Icon} name="profile" className="icon icon--small" /> <span>${t('dossier.experience.selfDeclared')}</span></p>
    <h3 class="experience-card__title">
      <${Link} href=${`/dossier/experience/${item.id}`}>${item.role}</${Link}>
    </h3>
    ${item.employer && html`<p class="experience-card__employer">${item.employer}</p>`}
    <p class="experience-card__period">${period(item, timeZone)}</p>
    ${item.evidence && html`<p class="experience-card__evidence">${t('dossier.experience.hasEvidence')}</p>`}
  </li>`;
}

function DossierList({ user }) {
  const timeZone = (user && user.time_zone) || DEFAULT_TIME_ZONE;
  const [credentials, setCredentials] = useState(null);
  const [experience, setExperience] = useState(null);
  const [shares, setShares] = useState(null);
  const [message, setMessage] = useState('');
  const [notice] = useState(takeNotice);

  // The three lists are shown together, once all have arrived: one after the other, each
  // moved the sections below it.
  useEffect(() => {
    let live = true;
    Promise.all([
      dossierApi.credentials().catch((error) => { if (live) setMessage(problemMessage(error)); return []; }),
      dossierApi.experience().catch(() => []),
      shareApi.list().catch(() => []),
    ]).then(([credentialList, experienceList, shareList]) => {
      if (!live) return;
      // Every badge's details, kept for offline reading (not only those opened before).
      precacheApi((credentialList || []).map((c) => `/api/v1/dossier/credentials/${encodeURIComponent(c.id)}`));
      setCredentials(credentialList);
      setExperience(experienceList);
      setShares(shareList);
    });
    return () => { live = false; };
  }, []);

  return html`<section class="dossier" aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1">${t('dossier.title')}</h1>
    <p class="lead">${t('dossier.intro')}</p>
    <${LiveMessage} kind="error" id="dossier-error">${message}</${LiveMessage}>
    <${LiveMessage} kind="status" id="dossier-status">${notice}</${LiveMessage}>
    ${credentials === null && html`<p class="loading" role="status">${t('app.loading')}</p>`}
    ${credentials !== null && html`<section class="card" aria-labelledby="credentials-title">
      <div class="section-head">
        <h2 id="credentials-title">${t('dossier.credentials.heading')}</h2>
        <${Link} class="button button--primary" href="/dossier/add">${t('dossier.add.button')}</${Link}>
      </div>
      ${credentials && credentials.length === 0 && html`<p class="muted">${t('dossier.credentials.empty')}</p>`}
      ${credentials && credentials.length > 0 && html`<ul class="credential-list">
        ${credentials.map((credential) => html`<${CredentialCard} key=${credential.id} credential=${credential} timeZone=${timeZone} />`)}
      </ul>`}
    </section>
    <${SharesSection} timeZone=${timeZone} loaded=${shares} />
    <p><${Link} class="button button--secondary button--block" href="/dossier/present">${t('present.button')}</${Link}></p>
    ${credentials && credentials.length > 0 && html`<p><${Link} class="button button--secondary button--block" href="/dossier/print">${t('print.button')}</${Link}></p>`}
    <section class="card" aria-labelledby="experience-title">
      <div class="section-head">
        <h2 id="experience-title">${t('dossier.experience.heading')}</h2>
        <${Link} class="button button--secondary" href="/dossier/experience/new">${t('dossier.experience.add')}</${Link}>
      </div>
      <p class="muted experience-intro">${t('dossier.experience.intro')}</p>
      ${experience && experience.length > 0 && html`<ul class="experience-list">
        ${experience.map((item) => html`<${ExperienceCard} key=${item.id} item=${item} timeZone=${timeZone} />`)}
      </ul>`}
    </section>`}
  </section>`;
}

export function DossierView(props) {
  const path = useRoute();
  const rest = path.replace(/^\/dossier\/?/, '');
  if (Object.hasOwn(SUB_PAGES, rest)) return html`<${LazyView} key=${rest} load=${SUB_PAGES[rest]} ...${props} />`;
  const share = rest.match(/^shares\/(\d+)$/);
  if (share) return html`<${ShareDetailView} key=${share[1]} ...${props} shareId=${share[1]} />`;
  if (rest === 'experience/new') return html`<${LazyView} key="new" load=${EXPERIENCE_FORM} ...${props} itemId=${null} />`;
  const experience = rest.match(/^experience\/(\d+)$/);
  if (experience) {
    return html`<${LazyView} key=${experience[1]} load=${EXPERIENCE_FORM} ...${props} itemId=${experience[1]} />`;
  }
  if (/^\d+$/.test(rest)) return html`<${CredentialDetailView} key=${rest} ...${props} credentialId=${rest} />`;
  return html`<${DossierList} ...${props} />`;
}
