// The screens besides those before sign-in (main.js has those): the bottom navigation's
// tabs, the pages under them, and the pages that links in mails open. Each is a module of its
// own, loaded when first shown; the service worker precaches them once a learner signs in
// (the server finds them by the import() calls: main.js's are precached at install).
//
// A tab appears only when the server lists its feature in GET /api/v1/meta and the PWA has a
// view for it. Later features add an entry to FEATURE_TABS, e.g.
//   { feature: 'dossier', path: '/dossier', label: 'nav.dossier', icon: 'dossier',
//     load: () => import('../dossier/view.js').then((module) => module.DossierView) }
// in the order Dossier, Route, Rooster, Vouchers, Meldingen.

export const FEATURE_TABS = [
  {
    feature: 'dossier', path: '/dossier', label: 'nav.dossier', icon: 'dossier', title: 'dossier.title',
    load: () => import('../dossier/view.js').then((module) => module.DossierView),
  },
  {
    feature: 'route', path: '/route', label: 'nav.route', icon: 'route', title: 'route.title',
    load: () => import('../routes/view.js').then((module) => module.RouteView),
  },
  {
    feature: 'schedule', path: '/rooster', label: 'nav.rooster', icon: 'rooster', title: 'schedule.title',
    load: () => import('../schedule/view.js').then((module) => module.ScheduleView),
  },
  {
    feature: 'vouchers', path: '/vouchers', label: 'nav.vouchers', icon: 'vouchers', title: 'voucher.title',
    load: () => import('../vouchers/view.js').then((module) => module.VoucherView),
  },
  {
    feature: 'notifications', path: '/meldingen', label: 'nav.meldingen', icon: 'meldingen', title: 'notifications.title',
    load: () => import('../notifications/view.js').then((module) => module.NotificationsView),
  },
];

export const PROFILE_TAB = {
  feature: null, path: '/profile', label: 'nav.profile', icon: 'profile', title: 'profile.title',
  load: () => import('../accounts/profile.js').then((module) => module.ProfileView),
};

// Pages under a tab that are not the tab's own view.
export const SIGNED_IN_ROUTES = {
  '/profile/password': {
    load: () => import('../accounts/change-password.js').then((module) => module.ChangePasswordView),
    title: 'password.title',
  },
  '/profile/devices': { load: () => import('../accounts/devices.js').then((module) => module.DevicesView), title: 'devices.title' },
};

// The links in mails: they work signed in or not (a mail is often read on another device),
// and need the network anyway.
export const LINK_ROUTES = {
  '/verify-email': { load: () => import('../accounts/verify-email.js').then((module) => module.VerifyEmailView), title: 'verify.title' },
  '/reset-password': {
    load: () => import('../accounts/reset-password.js').then((module) => module.ResetPasswordView),
    title: 'reset.title',
  },
};

// The staff section (role issuer or admin): a tab of its own, first, so staff land on it.
export const STAFF_ROLES = ['issuer', 'admin'];
export const STAFF_TAB = {
  feature: null, path: '/staff', label: 'nav.staff', icon: 'school', title: 'staff.title',
  load: () => import('../staff/view.js').then((module) => module.StaffView),
};

export function isStaff(user) {
  return Boolean(user && (user.roles || []).some((role) => STAFF_ROLES.includes(role)));
}

export const NOT_FOUND = { load: () => import('./not-found.js').then((module) => module.NotFoundView), title: 'notFound.title' };

/** The tabs to show for the features this server offers (and the staff section to staff);
 * Profile always comes last. */
export function tabsFor(meta, user = null) {
  const offered = new Set((meta && meta.features) || []);
  const staff = isStaff(user) ? [STAFF_TAB] : [];
  return [...staff, ...FEATURE_TABS.filter((tab) => offered.has(tab.feature)), PROFILE_TAB];
}
