// Lab DNS server (UDP): answers each name the way a scenario needs; writes READY_FILE once it listens.
// Usage: node dns.mjs READY_FILE HOST PORT NAME=ANSWER...
//   NAME=a:IP[,IP]  A/AAAA records (an address goes to the record type of its family; the other type is NODATA)
//   NAME=nxdomain   NXDOMAIN          NAME=refused   REFUSED        NAME=servfail  SERVFAIL
//   NAME=silent     no answer at all (the client times out)
//   NAME=nodata     NOERROR with no record (NODATA) for either type
//   NAME=cname:T    a CNAME to T, followed as a recursive resolver does: T's records join the answer, and so on; a
//                   chain that comes back to a name already in it ends there (a loop), NOERROR either way
//   NAME=file:PATH  read the rule from PATH at every query, so a scenario can move the name while it runs
//   *=RULE          the rule for every name not listed
// A name not listed (and no *) gets NXDOMAIN, as from a real resolver.
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';

const [ready, host, port, ...rules] = process.argv.slice(2);
const zone = new Map(rules.map((rule) => {
  const at = rule.indexOf('=');
  return [rule.slice(0, at).toLowerCase(), rule.slice(at + 1)];
}));

const RCODE = { nxdomain: 3, refused: 5, servfail: 2 };
const A = 1;
const AAAA = 28;
const CNAME = 5;

/** The question: name, type and where it ends (labels only; queries carry no compression pointers). */
function question(msg) {
  const labels = [];
  let at = 12;
  while (msg[at] !== 0) {
    labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString('latin1'));
    at += 1 + msg[at];
  }
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

function addressBytes(ip) {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const groups = (text) => (text ? text.split(':') : []);
  const fill = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array(ip.includes('::') ? fill : 0).fill('0'), ...groups(tail)];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function ruleOf(name) {
  const listed = zone.get(name) ?? zone.get('*') ?? 'nxdomain';
  return listed.startsWith('file:') ? readFileSync(listed.slice(5), 'utf8').trim() : listed;
}

/** A name in wire form, uncompressed. */
function nameBytes(name) {
  return Buffer.concat([...name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

function record(owner, type, data) {
  const rr = Buffer.alloc(10);
  rr.writeUInt16BE(type, 0);
  rr.writeUInt16BE(1, 2);
  rr.writeUInt32BE(60, 4);
  rr.writeUInt16BE(data.length, 8);
  return Buffer.concat([owner, rr, data]);
}

function reply(msg) {
  const { name, type, end } = question(msg);
  let rule = ruleOf(name);
  if (rule === 'silent') return null;
  const answers = [];
  // The question's own name: a pointer to it; names later in a chain are written out.
  let owner = Buffer.from([0xc0, 0x0c]);
  const seen = new Set([name]);
  while (rule.startsWith('cname:')) {
    const next = rule.slice(6).toLowerCase();
    answers.push(record(owner, CNAME, nameBytes(next)));
    if (seen.has(next)) break;
    seen.add(next);
    owner = nameBytes(next);
    rule = ruleOf(next);
  }
  const addresses = rule.startsWith('a:')
    ? rule.slice(2).split(',').filter((ip) => (type === A ? net.isIPv4(ip) : type === AAAA && net.isIPv6(ip)))
    : [];
  for (const ip of addresses) answers.push(record(owner, type, addressBytes(ip)));
  const head = Buffer.alloc(12);
  head.writeUInt16BE(msg.readUInt16BE(0), 0);
  // QR, opcode 0, AA, RD copied; RA; the rcode (a chain's end decides only when the question's own name has no CNAME).
  const rcode = answers.length > 0 ? 0 : RCODE[rule] ?? 0;
  head.writeUInt16BE(0x8400 | (msg[2] & 0x01) << 8 | 0x80 | rcode, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answers.length, 6);
  return Buffer.concat([head, msg.subarray(12, end), ...answers]);
}

const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
socket.on('message', (msg, from) => {
  const out = msg.length > 12 ? reply(msg) : null;
  if (out) socket.send(out, from.port, from.address);
});
socket.bind(Number(port), host, () => writeFileSync(ready, 'ready\n'));
