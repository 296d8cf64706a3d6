// GNOME's proxy settings, which GLib's programs follow, as `gsettings list-recursively org.gnome.system.proxy`
// prints them. Pure: text in, data out.
//
// The format is gsettings's own (GNOME/glib gio/gsettings-tool.c, list_recursively): one `schema key value` a
// line, keys sorted, the schema's then each child's (ftp, http, https, socks), the value in GVariant text
// (glib/gvariant.c, g_variant_print with type annotations): strings in single quotes (double when they hold
// one), `\\`, the quote and \a \b \f \n \r \t \v escaped, other unprintables as \uXXXX or \UXXXXXXXX; `true`,
// plain integers; ['a', 'b'] and `@as []` for an empty list. What the keys mean is glib-networking's
// (proxy/gnome/gproxyresolvergnome.c, update_settings): mode 'manual' uses the http, https and socks hosts
// that are set, https falling back to the HTTP proxy when it has no host of its own, each on its port as stored
// (the schema's text calls a host on port 0 off, but glib-networking dials port 0, and this keeps it);
// 'auto' hands every address to the PAC script at autoconfig-url; ignore-hosts applies in both. use-same-proxy
// is not read: gsettings-desktop-schemas marks it "Unused; ignore", and glib-networking only lends the HTTP
// proxy to other schemes (ftp, …) with it. Unverified: 'auto' with no URL meaning WPAD (libproxy's reading).
import { escapeText } from '../../core/escape.js';
import type { Reading, SystemProxyServer, SystemProxySettings } from '../../core/types.js';

const MAX_OUTPUT = 1024 * 1024;
const MAX_ENTRIES = 1000;
const MAX_NAME = 255;
const SCHEMA = 'org.gnome.system.proxy';
const LINE = /^(org\.gnome\.system\.proxy(?:\.[a-z]+)?) ([a-z][a-z0-9-]*) (.+)$/;
const MODES = ['none', 'manual', 'auto'] as const;
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

class Unreadable extends Error {}

export function parseGnomeProxy(output: string): Reading<SystemProxySettings> {
  try {
    return { readable: true, value: settings(keys(output)) };
  } catch (error) {
    if (error instanceof Unreadable) return { readable: false, why: error.message };
    throw error;
  }
}

function settings(values: Map<string, string>): SystemProxySettings {
  const raw = values.get(`${SCHEMA} mode`);
  if (raw === undefined) throw new Unreadable(`gsettings printed no ${SCHEMA} mode`);
  const mode = MODES.find((m) => m === gString(raw, 'mode'));
  if (mode === undefined) throw new Unreadable(`mode is ${escapeText(raw, 80)}, not 'none', 'manual' or 'auto'`);
  const server = (child: string): { host: string; port: number } | null => {
    const host = gString(values.get(`${SCHEMA}.${child} host`) ?? "''", `${child} host`);
    return host === '' ? null : { host: escapeText(host, MAX_NAME), port: gPort(values.get(`${SCHEMA}.${child} port`) ?? '0', `${child} port`) };
  };
  const proxies: SystemProxyServer[] = [];
  if (mode === 'manual') {
    const http = server('http');
    const https = server('https') ?? http;
    const socks = server('socks');
    if (http) proxies.push({ scheme: 'http', ...http });
    if (https) proxies.push({ scheme: 'https', ...https });
    if (socks) proxies.push({ scheme: 'socks', ...socks });
  }
  const url = mode === 'auto' ? gString(values.get(`${SCHEMA} autoconfig-url`) ?? "''", 'autoconfig-url') : '';
  return {
    // Mode 'manual' switches the fixed proxies on, whether or not a host is set.
    proxyEnabled: mode === 'manual',
    proxies,
    bypass: gStrings(values.get(`${SCHEMA} ignore-hosts`) ?? '@as []', 'ignore-hosts').filter((e) => e !== '').slice(0, MAX_ENTRIES).map((e) => escapeText(e, MAX_NAME)),
    bypassLocal: false,
    pacUrl: url === '' ? null : escapeText(url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@')),
    autoDetect: mode === 'auto' && url === '',
  };
}

/** `schema key` → the value's text, for every line; any other line makes the output unreadable. */
function keys(output: string): Map<string, string> {
  if (output.length > MAX_OUTPUT) throw new Unreadable(`gsettings printed ${output.length} characters, more than the ${MAX_OUTPUT} g2probe reads`);
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Unreadable('gsettings printed nothing');
  const values = new Map<string, string>();
  for (const line of lines) {
    const match = LINE.exec(line);
    if (!match) throw new Unreadable(`gsettings printed a line that is not "${SCHEMA} key value": "${escapeText(line, 80)}"`);
    values.set(`${match[1]} ${match[2]}`, match[3] ?? '');
  }
  return values;
}

function gPort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new Unreadable(`${what} is ${escapeText(text, 80)}, not a port`);
  return Number(text);
}

function gString(text: string, what: string): string {
  const [value, end] = readString(text, 0, what);
  if (end !== text.length) throw new Unreadable(`${what} is ${escapeText(text, 80)}, not one GVariant string`);
  return value;
}

function gStrings(text: string, what: string): string[] {
  const bad = () => new Unreadable(`${what} is ${escapeText(text, 80)}, not a GVariant list of strings`);
  const body = text.replace(/^@as /, '');
  if (body === '[]') return [];
  if (!body.startsWith('[')) throw bad();
  const items: string[] = [];
  let at = 1;
  for (;;) {
    const [value, end] = readString(body, at, what);
    items.push(value);
    if (body.startsWith(', ', end)) at = end + 2;
    else if (end === body.length - 1 && body[end] === ']') return items;
    else throw bad();
  }
}

/** The string quoted at `start`, unescaped, and where it ends. */
function readString(text: string, start: number, what: string): [string, number] {
  const quote = text[start];
  if (quote !== "'" && quote !== '"') throw new Unreadable(`${what} is ${escapeText(text, 80)}, not a GVariant string`);
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === quote) return [out, i + 1];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i] ?? '';
    const digits = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (digits > 0) {
      const hex = text.slice(i + 1, i + 1 + digits);
      const code = /^[0-9a-f]+$/i.test(hex) && hex.length === digits ? Number.parseInt(hex, 16) : NaN;
      if (!(code <= 0x10ffff)) throw new Unreadable(`${what} holds a broken \\${next} escape`);
      out += String.fromCodePoint(code);
      i += digits;
    } else {
      // GLib's parser takes any other escaped character as itself (\\, \', \").
      out += ESCAPES[next] ?? next;
    }
  }
  throw new Unreadable(`${what} is ${escapeText(text, 80)}: a string that is never closed`);
}
