// Voucher codes as the server reads them (vouchers/codes.py): 16 Crockford base32 characters
// and a mod-37 check symbol, shown as XXXX-XXXX-XXXX-XXXX-C. Case does not matter, hyphens
// and spaces are ignored, I and L read as 1, O as 0. The check symbol catches a typo here,
// before anything is sent.
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHECK_SYMBOLS = `${ALPHABET}*~$=U`;
export const DATA_LENGTH = 16;
export const CODE_LENGTH = DATA_LENGTH + 1;
const GROUP = 4;
const READ_AS = { I: '1', L: '1', O: '0' };

/** Upper case, I/L as 1 and O as 0: one character as the server reads it. */
function readAs(char) {
  const upper = char.toUpperCase();
  return READ_AS[upper] || upper;
}

function significant(char) {
  return CHECK_SYMBOLS.includes(readAs(char));
}

/** What the server would make of the text: no hyphens or spaces, upper case, I/L/O read. */
export function canonical(text) {
  return Array.from(String(text || '').replace(/[\s-]/g, ''), readAs).join('');
}

export function checkSymbol(data) {
  let value = 0;
  for (const char of data) value = (value * 32 + ALPHABET.indexOf(char)) % 37;
  return CHECK_SYMBOLS[value];
}

/**
 * Check a typed code like the server does.
 * Returns { code } (canonical, 17 characters) or { error: 'empty'|'length'|'character'|'check', count }.
 */
export function checkCode(text) {
  const cleaned = canonical(text);
  if (!cleaned) return { error: 'empty', count: 0 };
  if (cleaned.length !== CODE_LENGTH) return { error: 'length', count: cleaned.length };
  const data = cleaned.slice(0, DATA_LENGTH);
  const check = cleaned[DATA_LENGTH];
  if (Array.from(data).some((char) => !ALPHABET.includes(char)) || !CHECK_SYMBOLS.includes(check)) {
    return { error: 'character', count: cleaned.length };
  }
  if (checkSymbol(data) !== check) return { error: 'check', count: cleaned.length };
  return { code: cleaned };
}

/** XXXX-XXXX-XXXX-XXXX-C; a hyphen only appears once the next group has begun. */
export function grouped(chars) {
  const groups = [];
  for (let i = 0; i < chars.length; i += GROUP) groups.push(chars.slice(i, i + GROUP));
  return groups.join('-');
}

/**
 * Format what is being typed: keep only code characters (at most 17), upper case, grouped.
 * caret is the cursor position in raw; the answer keeps it after the same character.
 */
export function formatTyped(raw, caret = raw.length) {
  const text = /[/?#]/.test(raw) && codeFromScan(raw) ? codeFromScan(raw) : raw;
  const before = Array.from(text.slice(0, text === raw ? caret : text.length)).filter(significant).length;
  const chars = Array.from(text).filter(significant).map(readAs).join('').slice(0, CODE_LENGTH);
  const value = grouped(chars);
  const kept = Math.min(before, chars.length);
  // Position after `kept` code characters: each full group before it adds a hyphen.
  const position = kept + Math.max(0, Math.floor((kept - 1) / GROUP));
  return { value, caret: kept === 0 ? 0 : position };
}

/**
 * The code in a scanned QR text: the code itself, or a URL ending with it (in its path, a
 * query parameter or the fragment). Returns the grouped code or ''.
 */
export function codeFromScan(text) {
  let value = String(text || '').trim();
  try {
    value = decodeURIComponent(value);
  } catch {
    // not URL-encoded
  }
  const found = /(?:^|[^0-9a-z])((?:[0-9a-z]{4}[-\s]?){4}[0-9a-z*~$=])[/\s]*$/i.exec(value);
  return found ? grouped(canonical(found[1])) : '';
}
