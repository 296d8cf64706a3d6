// Target sets for the benchmarks: N loopback hosts as a few CIDR blocks, and the same hosts listed
// one by one for nmap and the bare loop. Hosts follow g2probe's rule: in an IPv4 block of /30 or
// larger the network and broadcast addresses are skipped, so every tool tries exactly the same set.

/** Host count of a /prefix block under that rule. */
function hostsIn(prefix) {
  return prefix <= 30 ? 2 ** (32 - prefix) - 2 : 2 ** (32 - prefix);
}

function dotted(n) {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * `count` hosts from `base` (a dotted IPv4 address on a /16 boundary in 127/8) as aligned blocks,
 * largest first: { cidrs, hosts }.
 */
export function hostBlocks(base, count) {
  let at = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const cidrs = [];
  const hosts = [];
  let left = count;
  while (left > 0) {
    let prefix = 0;
    // The largest block aligned at `at` whose hosts still fit.
    while (prefix < 32 && (at % 2 ** (32 - prefix) !== 0 || hostsIn(prefix) > left)) prefix++;
    const size = 2 ** (32 - prefix);
    cidrs.push(prefix === 32 ? dotted(at) : `${dotted(at)}/${prefix}`);
    const skip = prefix <= 30 ? 1 : 0;
    for (let i = skip; i < size - skip; i++) hosts.push(dotted(at + i));
    left -= hostsIn(prefix);
    at += size;
  }
  if ((at - 1) >>> 24 !== 127) throw new Error(`bench targets left 127/8 at ${dotted(at - 1)}`);
  return { cidrs, hosts };
}
