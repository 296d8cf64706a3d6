// A proxy's challenge (RFC 9110 §11.6.1, Proxy-Authenticate): which schemes it offers.

/** The schemes a Proxy-Authenticate header (repeated fields joined by commas, as the reader joins them) offers, lower case. */
export function offeredSchemes(header: string | undefined): Set<string> {
  const schemes = new Set<string>();
  // Each challenge starts with a scheme token; auth-params (`realm="x"`, quoted strings emptied first: they may hold
  // commas) and token68 data (`NTLM TlRM…`) follow it, and a part that starts with `name=` is a parameter.
  for (const part of (header ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""').split(',')) {
    const scheme = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)(?:\s|$)/.exec(part)?.[1];
    if (scheme) schemes.add(scheme.toLowerCase());
  }
  return schemes;
}
