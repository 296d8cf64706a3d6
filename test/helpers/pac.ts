// What every PAC test runs a PAC with, in g2probe and in a second engine alike: a fixed client address, a fixed
// name table (never the network), and the URLs asked: GoToMyPC's, as the router asks them, and the corpus's own.
import type { Target } from '../../src/core/types.js';
import { PacBudget, compilePac, type PacEnvironment, type PacNameAnswer, type PacScript } from '../../src/pc/pac.js';
import { pacUrl } from '../../src/probe/pac-router.js';

/** myIpAddress() in every engine: one of pacparser's own test addresses (tests/testdata's -c). */
export const CLIENT_ADDRESS = '192.168.101.1';

/** Every name any test PAC may resolve; any other does not resolve. A records only. */
export const PAC_NAMES: Readonly<Record<string, string>> = {
  'www.gotomypc.com': '216.115.208.10',
  'poll.gotomypc.com': '66.151.158.177',
  'www.google.com': '142.250.74.36',
  'google.com': '142.250.74.46',
  'files.corp.example': '10.1.2.3',
  'proxy.lab.example': '127.0.0.7',
};

/** A stand-in resolver answering from PAC_NAMES, noting each name it is asked. */
export function tableResolver(asked: string[] = []): PacEnvironment['resolve'] {
  return async (name: string): Promise<PacNameAnswer> => {
    asked.push(name);
    const address = PAC_NAMES[name.toLowerCase()];
    return { v4: address === undefined ? [] : [address], v6: [], silent: false };
  };
}

/** An environment on the table, the fixed client address and a budget of its own. */
export function tableEnvironment(extra: Partial<PacEnvironment> = {}): PacEnvironment {
  return { resolve: tableResolver(), lookupMs: 1000, budget: new PacBudget(), addresses: [CLIENT_ADDRESS], ...extra };
}

export async function loadTablePac(text: string, extra: Partial<PacEnvironment> = {}): Promise<PacScript> {
  const pac = await compilePac(text, tableEnvironment(extra));
  if (!pac.readable) throw new Error(`did not load: ${pac.why}`);
  return pac.value;
}

/** A URL and the host FindProxyForURL gets with it. */
export interface PacQuestion {
  url: string;
  host: string;
}

const asked = (target: Target): PacQuestion => pacUrl(target);

/** GoToMyPC's questions as g2probe's router asks them: its two names on 80 and 443, and a range address on 8200. */
export const GOTOMYPC_QUESTIONS: readonly PacQuestion[] = [
  asked({ ip: PAC_NAMES['www.gotomypc.com']!, host: 'www.gotomypc.com', port: 80, range: null, expected: true }),
  asked({ ip: PAC_NAMES['poll.gotomypc.com']!, host: 'poll.gotomypc.com', port: 443, range: null, expected: true }),
  asked({ ip: '216.115.208.5', port: 8200, range: '216.115.208.0/20', expected: true }),
];

/** The URLs ../shared/corpus/EXPECTED.md states answers for (pacparser's testdata, libpac's tests, forwarder's table). */
export const CORPUS_URLS: readonly string[] = [
  'http://www.google.com', 'http://host1', 'http://www1.manugarg.com', 'http://manugarg.externaldomain.com', 'https://www.google.com',
  'http://abcdomain.com', 'ftp://mydomain.com/x/', 'http://a.local/x/', 'http://10.1.2.3/', 'http://172.16.1.2/x/', 'http://192.168.1.2/x/',
  'http://127.0.0.5/x/', 'http://google.com/x', 'http://foobar.example.com/x', 'http://10.0.0.10/x', 'http://129.35.213.31/x', 'https://www.google.com/',
];

/** The host a browser gives FindProxyForURL for a URL: its host name, without brackets. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Every question of the conformance test: GoToMyPC's, then the corpus's URLs. */
export const ALL_QUESTIONS: readonly PacQuestion[] = [...GOTOMYPC_QUESTIONS, ...CORPUS_URLS.map((url) => ({ url, host: hostOf(url) }))];
