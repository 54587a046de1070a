// The staff section's screens, in the order of its navigation. Each entry: the path it owns
// (and everything under it), the i18n key of its label (also the screen's heading), and its
// module, loaded when first shown. The module's default export is the screen (else its first
// exported component); it gets { institution, role, path } from the staff frame (view.js):
// the institution acted for ({ slug, name }), the staff member's role there (staff,
// institution_admin, admin) and the current path.
export const SECTIONS = [
  { path: '/staff/school', label: 'staff.nav.school', load: () => import('./school.js') },
  { path: '/staff/catalogue', label: 'staff.nav.catalogue', load: () => import('./catalogue.js') },
  { path: '/staff/awards', label: 'staff.nav.awards', load: () => import('./awards.js') },
  { path: '/staff/vouchers', label: 'staff.nav.vouchers', load: () => import('./vouchers.js') },
  { path: '/staff/recognition', label: 'staff.nav.recognition', load: () => import('./recognition.js') },
  { path: '/staff/audit', label: 'staff.nav.audit', load: () => import('./audit.js') },
];

export default SECTIONS;
