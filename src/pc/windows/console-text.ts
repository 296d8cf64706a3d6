// What Windows's console tools print, as the text they meant. reg, netsh and rasdial write in the console's code
// page: the system's OEM code page (932 in Japan, 936 in mainland China, 949 in Korea, 950 in Taiwan, 866 in
// Russia, 850 in Western Europe, 437 in the United States), unless the user switched the console to UTF-8 (chcp
// 65001; Windows's "Use Unicode UTF-8 for worldwide language support" makes 65001 the OEM code page itself).
// systemRunner keeps every byte (latin1); this turns them back into text. The code page is not asked of the
// console: chcp's answer is localized, and switching the console to UTF-8 for a child would switch the user's own
// console too. It is read from the registry (OEMCP, a number reg prints alike in every language), and UTF-8 is
// recognized by its bytes, which text in the double-byte code pages almost never forms. Pure.
import { OEM_CODE_PAGES } from '../../data/oem-code-pages.js';

/** reg.exe's arguments for the OEM code page. */
export const CODE_PAGE_ARGS = ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP'] as const;

// The code pages Node's TextDecoder knows (full ICU, as Node's own builds carry), by Windows's number.
const DECODERS: Readonly<Record<number, string>> = {
  65001: 'utf-8',
  932: 'shift_jis',
  936: 'gbk',
  54936: 'gb18030',
  949: 'euc-kr',
  950: 'big5',
  866: 'ibm866',
  874: 'windows-874',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
};

const ASCII = /^[\x00-\x7f]*$/;

/** `    OEMCP    REG_SZ    936`: the number, or null when reg printed something else. */
export function parseCodePage(output: string): number | null {
  const value = /^ {4}OEMCP {4}REG_SZ {4}(\d{1,5})\s*$/im.exec(output)?.[1];
  return value === undefined ? null : Number(value);
}

/** Whether the code page is needed to read `raw`: bytes above 0x7F that are not UTF-8. */
export function needsCodePage(raw: string): boolean {
  return !ASCII.test(raw) && utf8(raw) === null;
}

/**
 * `raw` (one character a byte) as text: ASCII as it is, UTF-8 when its bytes are UTF-8, else in `codePage`; in a code
 * page g2probe does not decode (or none), its bytes above 0x7F stay as they are, and are shown escaped.
 */
export function consoleText(raw: string, codePage: number | null): string {
  if (ASCII.test(raw)) return raw;
  const asUtf8 = utf8(raw);
  if (asUtf8 !== null) return asUtf8;
  if (codePage === null) return raw;
  const table = Object.hasOwn(OEM_CODE_PAGES, codePage) ? OEM_CODE_PAGES[codePage] : undefined;
  if (table !== undefined) return raw.replace(/[\x80-\xff]/g, (c) => table[c.charCodeAt(0) - 0x80] ?? c);
  const label = Object.hasOwn(DECODERS, codePage) ? DECODERS[codePage] : undefined;
  return label === undefined ? raw : new TextDecoder(label).decode(Buffer.from(raw, 'latin1'));
}

function utf8(raw: string): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    return null;
  }
}
