// NTLM messages against published vectors: RFC 1320 (MD4) and MS-NLMP section 4.2 ("Cryptographic Values for
// Validation": 4.2.1 common values, 4.2.2.1.2 NTOWFv1, 4.2.4 NTLMv2). Hostile challenges are data, never a throw.
import fc from 'fast-check';
import t from 'tap';
import { offeredSchemes } from '../../../src/core/auth-challenge.js';
import { ProxyCredentials } from '../../../src/core/proxy.js';
import { negotiateOnly } from '../../../src/judge/classify.js';
import {
  NEGOTIATE_FLAGS, authenticateMessage, challengeIn, fileTime, md4, negotiateMessage, ntHash, ntlmv2Responses, ntowfv2, parseChallenge,
} from '../../../src/probe/checks/ntlm.js';
import { property } from '../../helpers/fuzz.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// MS-NLMP 4.2.1: User "User", UserDom "Domain", Passwd "Password", Server Name "Server", Workstation "COMPUTER",
// ServerChallenge 01 23 45 67 89 ab cd ef, ClientChallenge aa × 8, Time 00 × 8.
const IDENTITY = { user: 'User', domain: 'Domain', password: 'Password' };
const SERVER_CHALLENGE = hex('0123456789abcdef');
const CLIENT_CHALLENGE = Buffer.alloc(8, 0xaa);
const TIME = Buffer.alloc(8);
// MS-NLMP 4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 example, TargetInfo MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server".
const CHALLENGE_4_2_4_3 = hex(`
  4e544c4d53535000 02000000 0c000c00 38000000 33828ae2 0123456789abcdef 0000000000000000 24002400 44000000
  060070170000000f 530065007200760065007200 02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`);

t.test('MD4 against RFC 1320 appendix A.5', async (t) => {
  const vectors: [string, string][] = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  for (const [input, digest] of vectors) t.equal(md4(Buffer.from(input)).toString('hex'), digest, `MD4("${input.slice(0, 20)}")`);
  // Block boundaries: 55, 56, 63, 64 and 65 bytes pad differently.
  for (const n of [55, 56, 63, 64, 65, 119, 120]) t.equal(md4(Buffer.alloc(n, 0x61)).length, 16);
});

t.test('NT hash and NTOWFv2 against MS-NLMP 4.2.2.1.2 and 4.2.4.1.1', async (t) => {
  t.equal(ntHash('Password').toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852', 'NTOWFv1("Password")');
  t.equal(ntowfv2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f', 'NTOWFv2');
});

t.test('the Challenge message of MS-NLMP 4.2.4.3 is read, and the NTLMv2 responses match 4.2.4.2', async (t) => {
  const parsed = parseChallenge(CHALLENGE_4_2_4_3);
  t.ok(parsed.ok);
  if (!parsed.ok) return;
  const { challenge } = parsed;
  t.same(challenge.serverChallenge, SERVER_CHALLENGE);
  t.equal(challenge.flags, 0xe28a8233);
  t.equal(challenge.targetInfo.toString('hex'), '02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000');
  t.equal(challenge.timestamp, null, 'no MsvAvTimestamp in the example');
  const r = ntlmv2Responses(IDENTITY, challenge, TIME, CLIENT_CHALLENGE);
  t.equal(r.lm.toString('hex'), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa', 'LMv2 response (4.2.4.2.1)');
  t.equal(r.ntProof.toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c', 'NTProofStr (4.2.4.2.2)');
  t.equal(r.sessionBaseKey.toString('hex'), '8de40ccadbc14a82f15cb0ad0de95ca3', 'SessionBaseKey (4.2.4.1.2)');
  t.equal(r.nt.subarray(16).toString('hex'), `0101000000000000${'00'.repeat(8)}${'aa'.repeat(8)}00000000${challenge.targetInfo.toString('hex')}00000000`, 'temp follows NTProofStr');
});

t.test('the Authenticate message carries those responses, the user and the domain in UTF-16', async (t) => {
  const parsed = parseChallenge(CHALLENGE_4_2_4_3);
  if (!parsed.ok) throw new Error('vector did not parse');
  const message = authenticateMessage(IDENTITY, parsed.challenge, 'COMPUTER', 0, CLIENT_CHALLENGE);
  t.equal(message.subarray(0, 12).toString('hex'), '4e544c4d5353500003000000');
  const field = (i: number): Buffer => {
    const at = 12 + i * 8;
    return message.subarray(message.readUInt32LE(at + 4), message.readUInt32LE(at + 4) + message.readUInt16LE(at));
  };
  // Time 0 is 1601: the message's own clock is used only without MsvAvTimestamp, so compare with fileTime(0) here.
  const expected = ntlmv2Responses(IDENTITY, parsed.challenge, fileTime(0), CLIENT_CHALLENGE);
  t.same(field(0), expected.lm);
  t.same(field(1), expected.nt);
  t.equal(field(2).toString('utf16le'), 'Domain');
  t.equal(field(3).toString('utf16le'), 'User');
  t.equal(field(4).toString('utf16le'), 'COMPUTER');
  t.equal(field(5).length, 0, 'no session key: none is exchanged');
  t.equal(message.readUInt32LE(60) & 0x1, 1, 'Unicode');
});

t.test('MsvAvTimestamp: its time goes into the response, and the LM response is Z(24)', async (t) => {
  const stamp = hex('0090d336b734c301');
  const info = Buffer.concat([hex('0200 0c00'), Buffer.from('Domain', 'utf16le'), hex('0700 0800'), stamp, hex('0000 0000')]);
  const head = Buffer.alloc(48);
  Buffer.from('NTLMSSP\0', 'latin1').copy(head);
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE(0x00800201, 20);
  SERVER_CHALLENGE.copy(head, 24);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(48, 44);
  const parsed = parseChallenge(Buffer.concat([head, info]));
  t.ok(parsed.ok);
  if (!parsed.ok) return;
  t.same(parsed.challenge.timestamp, stamp);
  const message = authenticateMessage(IDENTITY, parsed.challenge, '', Date.UTC(2030, 0, 1), CLIENT_CHALLENGE);
  const nt = message.subarray(message.readUInt32LE(24), message.readUInt32LE(24) + message.readUInt16LE(20));
  t.same(nt.subarray(24, 32), stamp, "the server's timestamp, not this PC's clock");
  t.same(message.subarray(message.readUInt32LE(16), message.readUInt32LE(16) + message.readUInt16LE(12)), Buffer.alloc(24));
});

t.test('the Negotiate message', async (t) => {
  const m = negotiateMessage();
  t.equal(m.length, 32);
  t.equal(m.subarray(0, 12).toString('hex'), '4e544c4d5353500001000000');
  t.equal(m.readUInt32LE(12), NEGOTIATE_FLAGS);
  t.equal(NEGOTIATE_FLAGS & 0x10, 0, 'no signing');
  t.equal(NEGOTIATE_FLAGS & 0x20, 0, 'no sealing');
});

t.test('hostile Challenge messages are reasons, never throws', async (t) => {
  t.match(parseChallenge(Buffer.alloc(0)), { ok: false, why: /shorter/ });
  t.match(parseChallenge(CHALLENGE_4_2_4_3.subarray(0, 31)), { ok: false, why: /shorter/ });
  const wrongSignature = Buffer.from(CHALLENGE_4_2_4_3);
  wrongSignature[0] = 0x4f;
  t.match(parseChallenge(wrongSignature), { ok: false, why: /NTLMSSP/ });
  const wrongType = Buffer.from(CHALLENGE_4_2_4_3);
  wrongType.writeUInt32LE(3, 8);
  t.match(parseChallenge(wrongType), { ok: false, why: /type 3/ });
  const pastEnd = Buffer.from(CHALLENGE_4_2_4_3);
  pastEnd.writeUInt16LE(0xffff, 40);
  t.match(parseChallenge(pastEnd), { ok: false, why: /past its end/ });
  const offsetPastEnd = Buffer.from(CHALLENGE_4_2_4_3);
  offsetPastEnd.writeUInt32LE(0xfffffff0, 44);
  t.match(parseChallenge(offsetPastEnd), { ok: false, why: /past its end/ });
  const pairPastEnd = Buffer.from(CHALLENGE_4_2_4_3);
  pairPastEnd.writeUInt16LE(0x7fff, 0x44 + 2);
  t.match(parseChallenge(pairPastEnd), { ok: false, why: /malformed/ });
  t.match(parseChallenge(CHALLENGE_4_2_4_3.subarray(0, 32)), { ok: true }, 'an old 32-byte challenge, without target info');
  const noise = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.nat(CHALLENGE_4_2_4_3.length)).map(([tail, cut]) => Buffer.concat([CHALLENGE_4_2_4_3.subarray(0, cut), Buffer.from(tail)])),
    fc.tuple(fc.nat(CHALLENGE_4_2_4_3.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const b = Buffer.from(CHALLENGE_4_2_4_3);
      b[at] = byte;
      return b;
    }),
  );
  property(t, 'parseChallenge and authenticateMessage never throw', noise, (message) => {
    const parsed = parseChallenge(message);
    if (parsed.ok) authenticateMessage(IDENTITY, parsed.challenge, '', 0, CLIENT_CHALLENGE);
  }, 2000);
  t.equal(challengeIn('NTLM'), null);
  t.equal(challengeIn('Basic realm="x"'), null);
  t.same(challengeIn(`NTLM ${CHALLENGE_4_2_4_3.toString('base64')}`), CHALLENGE_4_2_4_3);
  t.same(challengeIn(`Basic realm="x", NTLM ${CHALLENGE_4_2_4_3.toString('base64')}`), CHALLENGE_4_2_4_3);
});

t.test('the schemes a 407 offers', async (t) => {
  t.same([...offeredSchemes('NTLM, Basic realm="lab, with a comma"')].sort(), ['basic', 'ntlm']);
  t.same([...offeredSchemes('Negotiate')], ['negotiate']);
  t.same([...offeredSchemes('Negotiate, NTLM')].sort(), ['negotiate', 'ntlm']);
  t.same([...offeredSchemes(undefined)], []);
  t.ok(negotiateOnly(offeredSchemes('Negotiate')));
  t.notOk(negotiateOnly(offeredSchemes('Negotiate, NTLM')));
  t.notOk(negotiateOnly(offeredSchemes('Negotiate, Basic realm="x"')));
  t.notOk(negotiateOnly(offeredSchemes('')));
});

t.test('credentials: the account split for NTLM, the password never in JSON', async (t) => {
  t.same(new ProxyCredentials('CORP\\alice', 'pw').identity(), { user: 'alice', domain: 'CORP', password: 'pw' });
  t.same(new ProxyCredentials('alice@corp.example', 'pw').identity(), { user: 'alice@corp.example', domain: '', password: 'pw' });
  t.same(new ProxyCredentials('alice', null).identity(), { user: 'alice', domain: '', password: '' });
  const late = new ProxyCredentials('CORP\\alice', null);
  t.notOk(late.hasPassword);
  late.supply('typed');
  t.ok(late.hasPassword);
  t.equal(late.basic(), `Basic ${Buffer.from('CORP\\alice:typed').toString('base64')}`);
  t.equal(JSON.stringify({ late }), '{"late":"CORP\\\\alice:***"}');
});
