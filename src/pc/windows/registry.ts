// The registry as `reg query` prints it, the same in every language: a key's values, and the proxy settings blobs
// WinINet and WinHTTP keep in them. Pure: text in, data out.
import { escapeText } from '../../core/escape.js';

/** One value as reg lists it: its name as written, its type (REG_BINARY, …) and its data as printed. */
export interface RegValue {
  name: string;
  type: string;
  data: string;
}

/** The values listed right under a key, by lower-case name. */
export type RegValues = Map<string, RegValue>;

/** What a proxy settings blob holds: its flags and its length-prefixed strings, in order. */
export interface ProxyBlob {
  flags: number;
  strings: string[];
}

// A key lists a few dozen values; anything far larger is not reg's answer, and is not read.
const MAX_OUTPUT = 1024 * 1024;
/** `    Name    REG_TYPE    data`: four spaces around the type; a name may hold spaces, and data may be absent. */
const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/** The values listed right under `key` (its full name, `HKEY_CURRENT_USER\…`); or why there are none to read. */
export function regValues(output: string, key: string): RegValues | string {
  if (output.length > MAX_OUTPUT) return `reg printed ${output.length} characters, more than the ${MAX_OUTPUT} g2probe reads`;
  const lines = output.split(/\r?\n/);
  const header = key.toLowerCase();
  const start = lines.findIndex((line) => line.trim().toLowerCase() === header);
  if (start < 0) {
    const first = lines.map((line) => line.trim()).find((line) => line !== '');
    return first === undefined ? 'reg printed nothing' : `reg did not list ${key}: its output began "${escapeText(first, 80)}"`;
  }
  const values: RegValues = new Map();
  for (const line of lines.slice(start + 1)) {
    const match = VALUE_LINE.exec(line);
    if (!match) break;
    const name = match[1] ?? '';
    // Value names are unique in a key: a second one is a line break inside a value, forging it.
    if (values.has(name.toLowerCase())) return `${escapeText(name, 80)} appears twice under ${key}`;
    values.set(name.toLowerCase(), { name, type: match[2] ?? '', data: match[3] ?? '' });
  }
  return values;
}

/**
 * A proxy settings blob (DefaultConnectionSettings, a named connection's, WinHttpSettings), little-endian: a
 * 32-bit header (the structure's size or version), a 32-bit change counter, the 32-bit flags, then `count`
 * strings, each a 32-bit length and its bytes. Neither the header nor the counter is checked: both vary (a
 * counter of "1,00" is on record), and neither changes what the settings say. A structure too old for a string
 * leaves it out; .NET's reader takes a missing length as none too.
 */
export function proxyBlob(value: RegValue, count: number): ProxyBlob | string {
  const name = escapeText(value.name, 80);
  const hex = value.data.trim();
  if (value.type !== 'REG_BINARY' || !/^(?:[0-9a-f]{2})+$/i.test(hex)) {
    return `${name} is ${value.type} "${escapeText(hex, 80)}", not the REG_BINARY Windows writes`;
  }
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < 12) return `${name} holds ${bytes.length} bytes: too few for its flags, the ninth to twelfth`;
  const flags = bytes.readUInt32LE(8);
  let offset = 12;
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) break;
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    if (length > bytes.length - offset) return `${name} is cut short: a string of ${length} bytes, and ${bytes.length - offset} left`;
    // Written in the ANSI code page; latin1 keeps every byte, and escaping makes any of them safe.
    strings.push(bytes.toString('latin1', offset, offset + length));
    offset += length;
  }
  return { flags, strings };
}
