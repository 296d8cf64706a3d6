// The machine-wide WinHTTP proxy as `netsh winhttp show proxy` prints it, in English. Services and
// background programs use it rather than the browser's settings. Pure: text in, data out.
import { escapeText } from '../../core/escape.js';
import type { Reading, WinHttpProxy } from '../../core/types.js';
import { notRead } from './advfirewall.js';

const DIRECT = 'Direct access (no proxy server).';
const SERVERS = /^\s*Proxy Server\(s\)\s*:\s*(.*)$/m;
const BYPASS = /^\s*Bypass List\s*:\s*(.*)$/m;

export function parseWinHttpProxy(output: string): Reading<WinHttpProxy> {
  if (output.split(/\r?\n/).some((line) => line.trim() === DIRECT)) return { readable: true, value: { kind: 'direct' } };
  const servers = SERVERS.exec(output)?.[1]?.trim();
  if (!servers) return { readable: false, why: notRead(output) };
  const bypass = BYPASS.exec(output)?.[1]?.trim() ?? '';
  return {
    readable: true,
    value: {
      kind: 'proxy',
      // `host:port` for every scheme, or per scheme: `http=host:port;https=host:port`.
      servers: list(servers).map((entry) => {
        const per = /^([a-z][a-z0-9+.-]*)=(.+)$/i.exec(entry);
        return per ? { scheme: escapeText(per[1] ?? '').toLowerCase(), address: address(per[2] ?? '') } : { scheme: null, address: address(entry) };
      }),
      bypass: bypass === '(none)' ? [] : list(bypass).map((entry) => escapeText(entry)),
    },
  };
}

function list(text: string): string[] {
  return text.split(';').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Credentials never reach a report, even from a proxy string that holds them (`http://user:pass@host`). */
function address(text: string): string {
  return escapeText(text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1***@'));
}
