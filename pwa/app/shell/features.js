// The bottom navigation. A tab appears only when the server lists its feature in
// GET /api/v1/meta and the PWA has a view for it. Later features add an entry here
// (and their module to SHELL in /sw.js), e.g.
//   { feature: 'dossier', path: '/dossier', label: 'nav.dossier', icon: 'dossier', view: DossierView }
// in the order Dossier, Route, Rooster, Vouchers, Meldingen.
import { DossierView } from '../dossier/view.js';
import { NotificationsView } from '../notifications/view.js';
import { ProfileView } from '../accounts/profile.js';
import { RouteView } from '../routes/view.js';
import { ScheduleView } from '../schedule/view.js';
import { VoucherView } from '../vouchers/view.js';

export const FEATURE_TABS = [
  { feature: 'dossier', path: '/dossier', label: 'nav.dossier', icon: 'dossier', view: DossierView, title: 'dossier.title' },
  { feature: 'route', path: '/route', label: 'nav.route', icon: 'route', view: RouteView, title: 'route.title' },
  { feature: 'schedule', path: '/rooster', label: 'nav.rooster', icon: 'rooster', view: ScheduleView, title: 'schedule.title' },
  { feature: 'vouchers', path: '/vouchers', label: 'nav.vouchers', icon: 'vouchers', view: VoucherView, title: 'voucher.title' },
  { feature: 'notifications', path: '/meldingen', label: 'nav.meldingen', icon: 'meldingen', view: NotificationsView, title: 'notifications.title' },
];

export const PROFILE_TAB = { feature: null, path: '/profile', label: 'nav.profile', icon: 'profile', view: ProfileView, title: 'profile.title' };

/** The tabs to show for the features this server offers; Profile always comes last. */
export function tabsFor(meta) {
  const offered = new Set((meta && meta.features) || []);
  return [...FEATURE_TABS.filter((tab) => offered.has(tab.feature)), PROFILE_TAB];
}
