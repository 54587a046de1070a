// UI strings live in /i18n/<locale>.json; Dutch is the default, English the second language.
export const SUPPORTED = ['nl', 'en'];
export const DEFAULT_LOCALE = 'nl';
const STORAGE_KEY = 'ed.locale';
// The time zone of the schools' lesson times, and the learner's until they choose another.
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

const catalogues = {};
let current = DEFAULT_LOCALE;
const listeners = new Set();

/** A file of the app by its content-hashed URL, which the page's import map knows; the plain
 * URL where the browser cannot resolve (it still works, checked again on each use). */
export function fileUrl(path) {
  return typeof import.meta.resolve === 'function' ? import.meta.resolve(path) : path;
}

/** The language chosen earlier on this device, or Dutch. */
export function storedLocale() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return SUPPORTED.includes(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

async function load(locale) {
  if (!catalogues[locale]) {
    const response = await fetch(fileUrl(`/i18n/${locale}.json`), { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`i18n ${locale}: HTTP ${response.status}`);
    catalogues[locale] = await response.json();
  }
  return catalogues[locale];
}

/** Switch the UI language: loads its strings, sets <html lang>, remembers the choice. */
export async function setLocale(locale) {
  const next = SUPPORTED.includes(locale) ? locale : DEFAULT_LOCALE;
  await load(next);
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  listeners.forEach((fn) => fn(next));
  return next;
}

export function getLocale() {
  return current;
}

export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translate a dotted key, filling {name} placeholders from params. */
export function t(key, params = {}) {
  let value = key.split('.').reduce((node, part) => (node == null ? node : node[part]), catalogues[current]);
  if (typeof value !== 'string') {
    value = key.split('.').reduce((node, part) => (node == null ? node : node[part]), catalogues[DEFAULT_LOCALE]);
  }
  if (typeof value !== 'string') return key;
  return value.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}
