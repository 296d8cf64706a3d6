// The proxy settings macOS's programs follow (CFNetwork reads the same dictionary), as `scutil --proxy` prints
// them. Pure: text in, data out.
//
// The format: `<dictionary> {`, then one `Key : value` a line, two spaces deeper per level, nested
// `<array> {` (keys 0, 1, …) and `<dictionary> {`, each closed by `}`; keys sorted, strings printed bare. The keys
// and their types are Apple's kSCPropNetProxies* (SystemConfiguration, "Proxies Entity Keys": the *Enable
// keys are CFNumber 0 or 1, *Port CFNumber, *Proxy and ProxyAutoConfigURLString CFString, ExceptionsList a
// CFArray of CFString). The layout is taken from captures published in other projects' tests and issues
// (per-interface copies under `__SCOPED__`, which this reads past: the top level is the one in force). A port
// left out is read as 80, or 1080 for SOCKS: unverified, System Settings always writes one.
import { escapeText } from '../../core/escape.js';
import type { Reading, SystemProxyScheme, SystemProxyServer, SystemProxySettings } from '../../core/types.js';

type Node = string | Dictionary;
/** Arrays too, keyed by their indexes. */
type Dictionary = Map<string, Node>;

const MAX_OUTPUT = 1024 * 1024;
const MAX_DEPTH = 8;
const MAX_ENTRIES = 1000;
const MAX_NAME = 255;
const OPEN = /^<(?:dictionary|array)> \{$/;
const ENTRY = /^(\S+) :(?: (.*))?$/;
const SERVERS: readonly { key: string; scheme: SystemProxyScheme; port: number }[] = [
  { key: 'HTTP', scheme: 'http', port: 80 },
  { key: 'HTTPS', scheme: 'https', port: 80 },
  { key: 'SOCKS', scheme: 'socks', port: 1080 },
];

class Unreadable extends Error {}

export function parseScutilProxy(output: string): Reading<SystemProxySettings> {
  try {
    return { readable: true, value: settings(parseDictionary(output)) };
  } catch (error) {
    if (error instanceof Unreadable) return { readable: false, why: error.message };
    throw error;
  }
}

function settings(top: Dictionary): SystemProxySettings {
  const proxies: SystemProxyServer[] = [];
  for (const { key, scheme, port } of SERVERS) {
    const host = text(top, `${key}Proxy`);
    if (!flag(top, `${key}Enable`) || !host) continue;
    const given = number(top, `${key}Port`) ?? port;
    if (given < 1 || given > 65535) throw new Unreadable(`${key}Port is ${given}, not a port`);
    proxies.push({ scheme, host: escapeText(host, MAX_NAME), port: given });
  }
  const exceptions = top.get('ExceptionsList') ?? new Map<string, Node>();
  if (typeof exceptions === 'string') throw new Unreadable(`ExceptionsList is "${escapeText(exceptions, 80)}", not an <array>`);
  const pac = text(top, 'ProxyAutoConfigURLString');
  return {
    proxyEnabled: proxies.length > 0,
    proxies,
    bypass: [...exceptions.values()].filter((e): e is string => typeof e === 'string' && e !== '').slice(0, MAX_ENTRIES).map((e) => escapeText(e, MAX_NAME)),
    bypassLocal: flag(top, 'ExcludeSimpleHostnames'),
    pacUrl: flag(top, 'ProxyAutoConfigEnable') && pac ? escapeText(pac.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@')) : null,
    autoDetect: flag(top, 'ProxyAutoDiscoveryEnable'),
  };
}

function text(top: Dictionary, key: string): string | null {
  const value = top.get(key);
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new Unreadable(`${key} is a nested <dictionary> or <array>, not a value`);
  return value;
}

function number(top: Dictionary, key: string): number | null {
  const value = text(top, key);
  if (value === null) return null;
  if (!/^\d{1,10}$/.test(value)) throw new Unreadable(`${key} is "${escapeText(value, 80)}", not a number`);
  return Number(value);
}

/** An absent switch is off: scutil prints the dictionary in force, and one without the key has it off. */
function flag(top: Dictionary, key: string): boolean {
  const value = number(top, key);
  if (value !== null && value > 1) throw new Unreadable(`${key} is ${value}, not 0 or 1`);
  return value === 1;
}

/**
 * The top-level dictionary. A key twice at one level is no CFDictionary's: a value holding a line break would
 * forge one, so the output is refused rather than read with either.
 */
function parseDictionary(output: string): Dictionary {
  if (output.length > MAX_OUTPUT) throw new Unreadable(`scutil printed ${output.length} characters, more than the ${MAX_OUTPUT} g2probe reads`);
  const lines = output.split(/\r?\n/).map((line) => line.trim());
  const begin = lines.findIndex((line) => line !== '');
  if (begin < 0) throw new Unreadable('scutil printed nothing');
  if (lines[begin] !== '<dictionary> {') {
    throw new Unreadable(`scutil did not print a <dictionary>: its output began "${escapeText(lines[begin] ?? '', 80)}"`);
  }
  const top: Dictionary = new Map();
  const stack: Dictionary[] = [top];
  for (let i = begin + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const current = stack[stack.length - 1];
    if (line === '') continue;
    if (current === undefined) throw new Unreadable(`scutil printed more after its dictionary closed: line ${i + 1}`);
    if (line === '}') {
      stack.pop();
      continue;
    }
    const entry = ENTRY.exec(line);
    if (!entry) throw new Unreadable(`line ${i + 1} of scutil's output is not "key : value": "${escapeText(line, 80)}"`);
    const key = entry[1] ?? '';
    if (current.has(key)) throw new Unreadable(`${escapeText(key, 80)} appears twice in one dictionary`);
    const value = entry[2] ?? '';
    if (OPEN.test(value)) {
      if (stack.length >= MAX_DEPTH) throw new Unreadable(`scutil's output nests deeper than ${MAX_DEPTH} levels`);
      const child: Dictionary = new Map();
      current.set(key, child);
      stack.push(child);
    } else {
      current.set(key, value);
    }
  }
  if (stack.length > 0) throw new Unreadable("scutil's output is cut short: a dictionary is never closed");
  return top;
}
