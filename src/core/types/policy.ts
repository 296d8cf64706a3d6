// This PC's own policy (Windows): src/pc/local-policy.ts reads it, the reports show it.
import type { Role } from './targets.js';

/** What a tool printed, read; or why it could not be (it failed to run, or printed a language g2probe does not read). */
export type Reading<T> = { readable: true; value: T } | { readable: false; why: string };

export type FirewallProfile = 'domain' | 'private' | 'public';

/** PowerShell's NetSecurity cmdlets, which answer in numbers whatever Windows's language; netsh, read in English only. */
export type FirewallSource = 'powershell' | 'netsh';

/** Which tool read each part of the firewall; null where neither could. */
export interface FirewallSources {
  rules: FirewallSource | null;
  profiles: FirewallSource | null;
}

export type FirewallAction = 'allow' | 'block' | 'bypass';

/** One Windows Defender Firewall rule as netsh or PowerShell gives it. Every text is escaped: rule names are anyone's. */
export interface FirewallRule {
  name: string;
  enabled: boolean;
  direction: 'in' | 'out';
  profiles: FirewallProfile[];
  action: FirewallAction;
  /** As stored (environment variables unexpanded), or null for Any. */
  program: string | null;
  /** A Microsoft Store app's package SID, or null for Any (netsh does not print it). */
  package: string | null;
  /** A service's short name, or null for Any. */
  service: string | null;
  /** As printed: Any, TCP, UDP, ICMPv6, a protocol number, … */
  protocol: string;
  /** As printed: Any, or a list such as 80,443,8000-8100. */
  remotePorts: string;
  /** Any, or a list of addresses, subnets (10.0.0.0/8 or 10.0.0.0/255.0.0.0), ranges (a-b) and keywords (LocalSubnet, DNS, Internet, …). */
  remoteIPs: string;
  /** This PC's own addresses, in the same syntax: the rule applies only while the PC uses one of them. */
  localIPs: string;
  grouping: string;
}

export interface FirewallProfileState {
  profile: FirewallProfile;
  /** `not-configured` appears in policy stores; Windows then keeps the firewall on. */
  state: 'on' | 'off' | 'not-configured';
  /** What happens to an outbound connection no rule matches; `not-configured` is Windows's default, allow. */
  outbound: 'allow' | 'block' | 'not-configured';
}

export type WinHttpProxy =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** scheme null: the proxy for every scheme; otherwise one per scheme (`http=…;https=…`). Credentials masked. */
      servers: { scheme: string | null; address: string }[];
      bypass: string[];
    };

/** A rule that decided a verdict, as reports show it. */
export interface RuleRef {
  name: string;
  action: FirewallAction;
  profiles: FirewallProfile[];
  /** Which of GoToMyPC's TCP ports (80, 443, 8200) the rule covers. */
  ports: number[];
  remoteIPs: string;
}

/** `unknown`: the rules could not be read. */
export type ExecutableVerdict = 'blocked' | 'allowed' | 'no-rule' | 'unknown';

export interface ExecutablePolicy {
  name: string;
  path: string;
  role: Role;
  verdict: ExecutableVerdict;
  /** The rules that decided: the block rules when blocked, the allow rules when allowed. */
  rules: RuleRef[];
  /** One or two plain sentences: the verdict and what it means here. */
  why: string;
}

export type LocalPolicy =
  | { applies: false; why: string }
  | {
      applies: true;
      /** Every GoToMyPC program found, with what the firewall's rules say about it going out. */
      executables: ExecutablePolicy[];
      /** Programs of the role found in none of the folders searched. */
      missing: string[];
      searched: string[];
      firewall: {
        /** Which tool each part was read with (the schema keeps it optional: reports of versions that read netsh only lack it). */
        source: FirewallSources;
        profiles: Reading<FirewallProfileState[]>;
        rules: Reading<{ total: number }>;
        /** Enabled outbound block rules for every program that cover a GoToMyPC port and reach GoTo's addresses: they stop it too. */
        generalBlocks: RuleRef[];
      };
      winhttp: Reading<WinHttpProxy>;
    };
