// The machine-wide WinHTTP proxy, which services and background programs (GoToMyPC's host service among them) use
// rather than the user's settings. Read where WinHTTP keeps it, the WinHttpSettings value of HKLM\SOFTWARE\
// Microsoft\Windows\CurrentVersion\Internet Settings\Connections, which reg prints alike in every language; and,
// when that cannot be read, from `netsh winhttp show proxy` in whatever language netsh speaks. Pure: text in,
// data out.
//
// WinHttpSettings, little-endian, is DefaultConnectionSettings' layout (registry.ts) with two strings, no PAC: a
// 32-bit header (0x18 in Microsoft's value for direct access, 0x28 as proxyconf writes it), a 32-bit counter (0),
// the flags (0x01 always, 0x02 a proxy), then the proxy and the bypass list, each a 32-bit length and its bytes.
// Sources, none checked on a Windows here:
// - Microsoft, "Use Group Policy to apply WinHTTP proxy settings to Windows clients" (KB 4494447): the key, the
//   value, and its data for direct access, 1800000000000000010000000000000000000000.
// - Microsoft, "ProxyCfg.exe, a Proxy Configuration Tool" (WinHTTP docs): deleting WinHttpSettings removes every
//   proxy configuration, so a key without the value is direct access.
// - vbfox/proxyconf, which reads and writes it (src/proxyconf/winhttp/serialization.rs; its README's "WinHTTP
//   settings"): version, counter, flags, the proxy and the bypass list, each length-prefixed.
// - microsoft/CSS-Exchange, Health Checker (pull request 1942, by Microsoft's Exchange support engineers): the
//   proxy's length at byte 12, its text from byte 16, the bypass list's length right after it.
// - stephannn/WinHttpProxySettings (after Xavier Plantefève's gist): the same, and 0x01 as the bit always set.
// netsh's listing: a header naming WinHTTP and ending in a colon, then one sentence (direct access) or `label :
// value` lines, the proxy first and the bypass list second; a bypass list in parentheses is the word for none.
// netsh translates the words, not the layout, so the layout is what is read, never a table of words that the next
// language would miss: Microsoft's English (KB 4494447) and published captures in Japanese, Chinese, German and
// French have it (winhttp.test.ts holds them).
import { escapeText } from '../../core/escape.js';
import type { Reading, WinHttpProxy } from '../../core/types.js';
import { proxyBlob, regValues } from './registry.js';

const CONNECTIONS = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections';
/** reg.exe's arguments: the key's every value, so that a missing WinHttpSettings is told from a missing key. */
export const WINHTTP_SETTINGS_ARGS = ['query', `HKLM\\${CONNECTIONS}`] as const;
export const NETSH_WINHTTP_ARGS = ['winhttp', 'show', 'proxy'] as const;

const FLAG_PROXY = 0x02;
// netsh prints a handful of lines; anything far larger is not its answer.
const MAX_OUTPUT = 64 * 1024;
/** The header: it names WinHTTP, untranslated, and ends in a colon (full-width in some languages). */
const HEADER = /WinHTTP.*[:\uFF1A]$/;
/** `Proxy Server(s) :  host:port`: the label ends at the first colon, the value may hold more. */
const LABELLED = /^(.+?)\s*[:\uFF1A]\s*(.*)$/;
/** "(none)", "(无)", "(aucun)": no host name holds parentheses. */
const NONE = /^\([^;()]*\)$/;

const DIRECT: Reading<WinHttpProxy> = { readable: true, value: { kind: 'direct' } };

/** `reg query "HKLM\…\Internet Settings\Connections"`: the WinHttpSettings value, the settings WinHTTP reads. */
export function parseWinHttpSettings(output: string): Reading<WinHttpProxy> {
  const values = regValues(output, `HKEY_LOCAL_MACHINE\\${CONNECTIONS}`);
  if (typeof values === 'string') return { readable: false, why: values };
  const value = values.get('winhttpsettings');
  if (!value) return DIRECT;
  const blob = proxyBlob(value, 2);
  if (typeof blob === 'string') return { readable: false, why: blob };
  if ((blob.flags & FLAG_PROXY) === 0) return DIRECT;
  const [servers = '', bypass = ''] = blob.strings;
  if (servers.trim() === '') return { readable: false, why: 'WinHttpSettings switches a proxy on and names none' };
  return proxy(servers, bypass);
}

/** `netsh winhttp show proxy` (or `import proxy`), decoded from the console's code page, in any language. */
export function parseWinHttpProxy(output: string): Reading<WinHttpProxy> {
  if (output.length > MAX_OUTPUT) return { readable: false, why: `netsh printed ${output.length} characters, more than the ${MAX_OUTPUT} g2probe reads` };
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const header = lines.findIndex((line) => HEADER.test(line));
  if (header < 0) {
    return { readable: false, why: lines.length === 0 ? 'netsh printed nothing' : `netsh printed no WinHTTP proxy listing: its output began "${escapeText(lines[0] ?? '', 80)}"` };
  }
  const body = lines.slice(header + 1);
  const labelled = body.map((line) => LABELLED.exec(line));
  if (body.length === 1 && labelled[0] === null) return DIRECT;
  if ((body.length === 1 || body.length === 2) && labelled.every((match) => match !== null)) {
    const servers = labelled[0]?.[2]?.trim() ?? '';
    if (servers !== '') return proxy(servers, labelled[1]?.[2]?.trim() ?? '');
  }
  return { readable: false, why: `netsh's WinHTTP listing has neither one sentence nor a proxy and its bypass list: "${escapeText(body.join(' | '), 120)}"` };
}

function proxy(servers: string, bypass: string): Reading<WinHttpProxy> {
  return {
    readable: true,
    value: {
      kind: 'proxy',
      // `host:port` for every scheme, or per scheme: `http=host:port;https=host:port`.
      servers: list(servers).map((entry) => {
        const per = /^([a-z][a-z0-9+.-]*)=(.+)$/i.exec(entry);
        return per ? { scheme: escapeText(per[1] ?? '').toLowerCase(), address: address(per[2] ?? '') } : { scheme: null, address: address(entry) };
      }),
      bypass: NONE.test(bypass) ? [] : list(bypass).map((entry) => escapeText(entry)),
    },
  };
}

function list(text: string): string[] {
  return text.split(';').map((entry) => entry.trim()).filter((entry) => entry !== '').slice(0, 1000);
}

/** Credentials never reach a report, even from a proxy string that holds them (`http://user:pass@host`). */
function address(text: string): string {
  return escapeText(text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1***@'));
}
