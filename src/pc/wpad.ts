// WPAD, as Windows and browsers find a PAC file when "automatically detect settings" is on: by DNS, the name
// wpad in this PC's DNS suffix, then in each parent domain down to two labels (wpad.example.com, never
// wpad.com, whose owner could serve anyone's PAC). DHCP's option 252, asked first by Windows, needs a DHCP
// exchange g2probe cannot make without privileges: out of reach, and the report says so.

/** The DNS suffixes this PC searches: resolv.conf's `search` and `domain` (Linux, macOS), USERDNSDOMAIN (Windows). */
export function dnsSuffixes(resolvConf: string | null, env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  for (const line of (resolvConf ?? '').split(/\r?\n/)) {
    const match = /^\s*(search|domain)\s+(.+?)\s*(?:#.*)?$/.exec(line);
    if (match) found.push(...match[2]!.split(/\s+/));
  }
  const windows = Object.entries(env).find(([key]) => key.toLowerCase() === 'userdnsdomain')?.[1];
  if (windows) found.push(windows);
  const names = found.map((s) => s.toLowerCase().replace(/\.$/, '')).filter((s) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s));
  return [...new Set(names)];
}

/** wpad.<suffix>, then each parent down to two labels, in the order they are tried; no name twice. */
export function wpadNames(suffixes: readonly string[]): string[] {
  const names: string[] = [];
  for (const suffix of suffixes) {
    const labels = suffix.split('.');
    for (let i = 0; labels.length - i >= 2; i++) names.push(`wpad.${labels.slice(i).join('.')}`);
  }
  return [...new Set(names)];
}
