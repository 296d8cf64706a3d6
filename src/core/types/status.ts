// What an attempt comes to: its status and the reason for it.

/** The outcomes a report can carry. `intercepted` is produced by later checks (proxies, TLS inspection). */
export type Status = 'ok' | 'blocked' | 'timeout' | 'intercepted' | 'error';

export const STATUSES: readonly Status[] = ['ok', 'blocked', 'timeout', 'intercepted', 'error'];

export type OkReason = 'connected' | 'resolved';

/** `app-filter`: cut once it carried GoToMyPC's bytes, SNI or Host, while a neutral exchange with the same server passed. */
export type BlockedReason =
  | 'refused' | 'unreachable' | 'local-firewall' | 'reset' | 'proxy-denied' | 'proxy-auth-required' | 'proxy-unreachable' | 'tls-failed' | 'app-filter'
  | 'dns-nxdomain' | 'dns-refused' | 'dns-sinkhole' | 'dns-failed' | 'dns-no-address';

export type TimeoutReason = 'no-answer';

export type InterceptedReason = 'http-proxy' | 'tls-inspection';

export type ErrorReason = 'resource-exhausted' | 'no-local-address' | 'unsupported' | 'unexpected';

export type Reason = OkReason | BlockedReason | TimeoutReason | InterceptedReason | ErrorReason;
