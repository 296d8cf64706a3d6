// NTLM for a proxy's 407, as MS-NLMP describes it: the Negotiate (Type 1) and Authenticate (Type 3, NTLMv2)
// messages, and the server's Challenge (Type 2) read as untrusted data. Pure: no socket, no clock, no randomness
// of its own (the caller passes the time and the client challenge).
import { createHmac } from 'node:crypto';
import type { ProxyIdentity } from '../../core/proxy.js';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

// MS-NLMP 2.2.2.5
const UNICODE = 0x00000001;
const OEM = 0x00000002;
const REQUEST_TARGET = 0x00000004;
const NTLM = 0x00000200;
const ALWAYS_SIGN = 0x00008000;
const EXTENDED_SESSIONSECURITY = 0x00080000;
const TARGET_INFO = 0x00800000;
const N128 = 0x20000000;
const N56 = 0x80000000;

/** What the Negotiate message asks for: Unicode, NTLM with extended session security, no signing or sealing (a tunnel needs neither). */
export const NEGOTIATE_FLAGS = (UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | N128 | N56) >>> 0;

/**
 * MD4 (RFC 1320), for the NT hash only: OpenSSL 3 leaves it out of its default provider, so Node's
 * createHash('md4') fails. Small and tested against RFC 1320's own vectors.
 */
export function md4(input: Buffer): Buffer {
  const bitLength = input.length * 8;
  const padded = Buffer.alloc((((input.length + 8) >> 6) + 1) * 64);
  input.copy(padded);
  padded[input.length] = 0x80;
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLength / 0x100000000) >>> 0, padded.length - 4);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (x: number, s: number): number => ((x << s) | (x >>> (32 - s))) >>> 0;
  const x = new Array<number>(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(block + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const f = (p: number, q: number, r: number): number => (p & q) | (~p & r);
    const g = (p: number, q: number, r: number): number => (p & q) | (p & r) | (q & r);
    const h = (p: number, q: number, r: number): number => p ^ q ^ r;
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + x[i]!) >>> 0, 3);
      d = rotl((d + f(a, b, c) + x[i + 1]!) >>> 0, 7);
      c = rotl((c + f(d, a, b) + x[i + 2]!) >>> 0, 11);
      b = rotl((b + f(c, d, a) + x[i + 3]!) >>> 0, 19);
    }
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + x[i]! + 0x5a827999) >>> 0, 3);
      d = rotl((d + g(a, b, c) + x[i + 4]! + 0x5a827999) >>> 0, 5);
      c = rotl((c + g(d, a, b) + x[i + 8]! + 0x5a827999) >>> 0, 9);
      b = rotl((b + g(c, d, a) + x[i + 12]! + 0x5a827999) >>> 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + x[i]! + 0x6ed9eba1) >>> 0, 3);
      d = rotl((d + h(a, b, c) + x[i + 8]! + 0x6ed9eba1) >>> 0, 9);
      c = rotl((c + h(d, a, b) + x[i + 4]! + 0x6ed9eba1) >>> 0, 11);
      b = rotl((b + h(c, d, a) + x[i + 12]! + 0x6ed9eba1) >>> 0, 15);
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((word, i) => out.writeUInt32LE(word, i * 4));
  return out;
}

const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');
const hmacMd5 = (key: Buffer, ...data: Buffer[]): Buffer => {
  const mac = createHmac('md5', key);
  for (const part of data) mac.update(part);
  return mac.digest();
};

/** MS-NLMP 3.3.1: the NT hash, MD4 of the password in UTF-16LE. */
export function ntHash(password: string): Buffer {
  return md4(utf16(password));
}

/** MS-NLMP 3.3.2: NTOWFv2(Passwd, User, UserDom). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntHash(password), utf16(user.toUpperCase() + domain));
}

/** Who signs in (core's ProxyIdentity): `DOMAIN\\user` split, `user@domain` sent whole with no domain, as Windows sends a UPN. */
export type NtlmIdentity = ProxyIdentity;

/** The Negotiate (Type 1) message: flags only, no domain or workstation (MS-NLMP 2.2.1.1). */
export function negotiateMessage(): Buffer {
  const out = Buffer.alloc(32);
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(NEGOTIATE_FLAGS, 12);
  return out;
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  /** The AV pairs as sent, echoed inside the NTLMv2 response. */
  targetInfo: Buffer;
  /** MsvAvTimestamp, the server's FILETIME, when present. */
  timestamp: Buffer | null;
}

export type ChallengeResult = { ok: true; challenge: Challenge } | { ok: false; why: string };

/** A field's (length, offset) from a security buffer at `at`, or null when it points outside `message`. */
function field(message: Buffer, at: number): Buffer | null {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (offset > message.length || length > message.length - offset) return null;
  return message.subarray(offset, offset + length);
}

/** The Challenge (Type 2) message (MS-NLMP 2.2.1.2), whatever the proxy sent: a bad one is a reason, never a throw. */
export function parseChallenge(message: Buffer): ChallengeResult {
  if (message.length < 32) return { ok: false, why: `the NTLM challenge is ${message.length} bytes, shorter than any valid one (32)` };
  if (!message.subarray(0, 8).equals(SIGNATURE)) return { ok: false, why: 'the NTLM challenge does not start with NTLMSSP' };
  const type = message.readUInt32LE(8);
  if (type !== 2) return { ok: false, why: `the NTLM message is of type ${type}, not a challenge (2)` };
  const flags = message.readUInt32LE(20);
  const serverChallenge = Buffer.from(message.subarray(24, 32));
  let targetInfo: Buffer = Buffer.alloc(0);
  if (message.length >= 48 && (flags & TARGET_INFO) !== 0) {
    const info = field(message, 40);
    if (info === null) return { ok: false, why: 'the NTLM challenge names target information past its end' };
    targetInfo = Buffer.from(info);
  }
  const pairs = avPairs(targetInfo);
  if (pairs === null) return { ok: false, why: 'the NTLM challenge holds malformed target information' };
  const stamp = pairs.get(7);
  return { ok: true, challenge: { flags, serverChallenge, targetInfo, timestamp: stamp && stamp.length === 8 ? Buffer.from(stamp) : null } };
}

/** AV pairs (MS-NLMP 2.2.2.1) by id; null when one runs past the end. */
function avPairs(info: Buffer): Map<number, Buffer> | null {
  const pairs = new Map<number, Buffer>();
  let at = 0;
  while (at + 4 <= info.length) {
    const id = info.readUInt16LE(at);
    const length = info.readUInt16LE(at + 2);
    if (at + 4 + length > info.length) return null;
    if (id === 0) return pairs;
    if (!pairs.has(id)) pairs.set(id, info.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return at === info.length ? pairs : null;
}

/** A FILETIME (100 ns since 1601) for `ms` since 1970. */
export function fileTime(ms: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(Math.round(ms)) * 10_000n + 116_444_736_000_000_000n);
  return out;
}

export interface Responses {
  lm: Buffer;
  nt: Buffer;
  ntProof: Buffer;
  sessionBaseKey: Buffer;
}

/** MS-NLMP 3.3.2: the NTLMv2 and LMv2 responses for `time` (a FILETIME) and an 8-byte client challenge. */
export function ntlmv2Responses(identity: NtlmIdentity, challenge: Challenge, time: Buffer, clientChallenge: Buffer): Responses {
  const key = ntowfv2(identity.password, identity.user, identity.domain);
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), challenge.targetInfo, Buffer.alloc(4)]);
  const ntProof = hmacMd5(key, challenge.serverChallenge, temp);
  // With MsvAvTimestamp the client SHOULD send Z(24) for the LM response (3.1.5.1.2).
  const lm = challenge.timestamp ? Buffer.alloc(24) : Buffer.concat([hmacMd5(key, challenge.serverChallenge, clientChallenge), clientChallenge]);
  return { lm, nt: Buffer.concat([ntProof, temp]), ntProof, sessionBaseKey: hmacMd5(key, ntProof) };
}

/** The Authenticate (Type 3) message (MS-NLMP 2.2.1.3), no MIC and no session key exchange. */
export function authenticateMessage(identity: NtlmIdentity, challenge: Challenge, workstation: string, now: number, clientChallenge: Buffer): Buffer {
  const time = challenge.timestamp ?? fileTime(now);
  const { lm, nt } = ntlmv2Responses(identity, challenge, time, clientChallenge);
  const unicode = (challenge.flags & UNICODE) !== 0 || (challenge.flags & OEM) === 0;
  const text = (s: string): Buffer => (unicode ? utf16(s) : Buffer.from(s, 'latin1'));
  const fields = [lm, nt, text(identity.domain), text(identity.user), text(workstation), Buffer.alloc(0)];
  const head = 64;
  const out = Buffer.alloc(head + fields.reduce((n, f) => n + f.length, 0));
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(3, 8);
  let offset = head;
  fields.forEach((f, i) => {
    const at = 12 + i * 8;
    out.writeUInt16LE(f.length, at);
    out.writeUInt16LE(f.length, at + 2);
    out.writeUInt32LE(offset, at + 4);
    f.copy(out, offset);
    offset += f.length;
  });
  const flags = (NEGOTIATE_FLAGS & challenge.flags) | (unicode ? UNICODE : OEM);
  out.writeUInt32LE((flags & ~(unicode ? OEM : UNICODE)) >>> 0, 60);
  return out;
}

/** The NTLM challenge in a Proxy-Authenticate header (`NTLM <base64>`), or null. */
export function challengeIn(header: string | undefined): Buffer | null {
  const match = /(?:^|,)\s*NTLM\s+([A-Za-z0-9+/]+=*)\s*(?:,|$)/i.exec(header ?? '');
  return match ? Buffer.from(match[1]!, 'base64') : null;
}
