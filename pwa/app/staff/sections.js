// The staff section's screens, shown to issuers and admins: the staff navigation lists them
// in this order and the router loads each module when it is first shown.
export const STAFF_ROLES = ['issuer', 'admin'];

export const STAFF_SECTIONS = [
  {
    path: '/staff/awards', label: 'staff.nav.awards',
    load: () => import('./awards.js').then((module) => module.AwardsView),
  },
  {
    path: '/staff/vouchers', label: 'staff.nav.vouchers',
    load: () => import('./vouchers.js').then((module) => module.StaffVouchersView),
  },
  {
    path: '/staff/recognition', label: 'staff.nav.recognition',
    load: () => import('./recognition.js').then((module) => module.RecognitionView),
  },
];

export function isStaff(user) {
  return Boolean(user && (user.roles || []).some((role) => STAFF_ROLES.includes(role)));
}

/** The staff screen a path shows, or null. */
export function staffSectionFor(path) {
  return STAFF_SECTIONS.find((section) => path === section.path || path.startsWith(`${section.path}/`)) || null;
}
