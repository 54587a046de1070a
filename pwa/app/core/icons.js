// Small line icons (24x24, stroke = currentColor) for the navigation and buttons.
import { html } from './html.js';

const PATHS = {
  profile: ['M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 20c0-3.3 3.6-6 8-6s8 2.7 8 6'],
  dossier: ['M4 6h16v13H4z', 'M9 6V4h6v2', 'M8 11h8', 'M8 15h5'],
  route: ['M6 19a2 2 0 1 0 0-4 2 2 0 0 0 0 4z', 'M18 9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z', 'M6 15V9a4 4 0 0 1 4-4h6', 'M18 9v6a4 4 0 0 1-4 4H8'],
  rooster: ['M4 6h16v14H4z', 'M4 10h16', 'M8 3v5', 'M16 3v5'],
  vouchers: ['M3 8a2 2 0 0 0 0 4v4h18v-4a2 2 0 0 1 0-4V4H3z', 'M14 4v12'],
  meldingen: ['M6 16V11a6 6 0 1 1 12 0v5l2 2H4z', 'M10 20a2 2 0 0 0 4 0'],
  school: ['M3 10l9-5 9 5-9 5z', 'M7 12.5V17c0 1.5 2.2 3 5 3s5-1.5 5-3v-4.5', 'M21 10v5'],
  signout: ['M10 5H5v14h5', 'M14 8l4 4-4 4', 'M18 12H9'],
  globe: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M3 12h18', 'M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z'],
  alert: ['M12 3l9.5 17h-19z', 'M12 10v4', 'M12 17v.5'],
  check: ['M5 12l4 4 10-10'],
  more: ['M4 7h16', 'M4 12h16', 'M4 17h16'],
  info: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 11v6', 'M12 7.5v.5'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1', 'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  cloudOff: ['M3 3l18 18', 'M7 18h10a4 4 0 0 0 1.5-7.7A6 6 0 0 0 8.6 7.2', 'M5.6 9.6A4.5 4.5 0 0 0 7 18'],
};

export function Icon({ name, className = 'icon' }) {
  return html`<svg class=${className} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    ${(PATHS[name] || []).map((d) => html`<path d=${d} />`)}
  </svg>`;
}
