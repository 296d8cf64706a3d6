// What held connections' sessions mean: held, cut when idle (and between which idle times), cut by age, closed,
// or nothing known; then the verdict and the steps. Pure. A reset or a silence where the same server had answered
// is the path's doing; a close (FIN) may be the server's own, so it is reported and never called a cut.
import type { AdviceStep, DnsReport, HoldCutKind, HoldEvent, HoldLine, HoldLineState, HoldOptions, HoldOutage, HoldSession, HoldTarget, HoldVerdict, PathKind } from '../core/types.js';
import { formatDuration, listing, portWord } from '../core/words.js';
import { joinHostPort } from '../core/host-port.js';

export interface LineInput {
  target: HoldTarget;
  path: PathKind;
  proxy: string | null;
  route: string;
  sessions: HoldSession[];
  /** How long the hold ran, in ms: an outage that lasts to the end lasts until then. */
  heldMs?: number;
}

/** Seconds as people read them: 2.0 s, 45 s, 3m12s. */
export function seconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function where(target: HoldTarget): string {
  const address = joinHostPort(target.ip, target.port);
  return target.host ? `${target.host} (${address})` : address;
}

const KIND_WORDS: Record<HoldCutKind, string> = { reset: 'reset (RST)', silence: 'silence (no answer, so the path dropped it)', closed: 'closed (FIN)' };

type Cut = HoldSession & { end: Extract<HoldSession['end'], { how: 'cut' }> };

function isCut(session: HoldSession): session is Cut {
  return session.end.how === 'cut';
}

/** The ping sent just after the first connection opened went unanswered: the server does not answer it. */
function unansweredAtOnce(sessions: HoldSession[]): Cut | null {
  const first = sessions.find((s) => s.openMs !== null);
  return first && isCut(first) && first.answeredMs.length === 0 && first.idleMs === 0 && first.end.during === 'exchange' ? first : null;
}

/** How a session that had opened came to an end, in words. */
function endWords(session: HoldSession): string {
  const end = session.end;
  if (end.how === 'cut') return `${KIND_WORDS[end.kind]} ${end.during === 'idle' ? 'while idle' : 'in place of an answer'}`;
  if (end.how === 'ended') return `ended by the server (${end.why})`;
  return end.how;
}

/**
 * A connection that had been open ended, and opening it again failed: the path (or GoTo's server) went down. Null
 * when every reopen succeeded. The outage runs from the end of the last open connection to the next one that opened.
 */
function outageOf(sessions: readonly HoldSession[]): HoldOutage | null {
  const firstFail = sessions.findIndex((s, i) => s.end.how === 'not-opened' && sessions.slice(0, i).some((o) => o.openMs !== null));
  if (firstFail < 0) return null;
  const last = sessions.slice(0, firstFail).filter((s) => s.openMs !== null).at(-1)!;
  const backAt = sessions.findIndex((s, i) => i > firstFail && s.openMs !== null);
  const failed = sessions.slice(firstFail, backAt < 0 ? undefined : backAt).filter((s) => s.end.how === 'not-opened');
  const first = failed[0]!.end;
  return {
    downAtMs: last.endedAtMs,
    ended: endWords(last),
    reopen: first.how === 'not-opened' ? `${first.stage}: ${first.why}` : first.how,
    failures: failed.length,
    backAtMs: backAt < 0 ? null : sessions[backAt]!.openedAtMs,
  };
}

/** The outage in one sentence, with its times. */
function outageText(outage: HoldOutage, through: string, endMs: number): string {
  const tries = outage.failures === 1 ? 'the reopen failed' : `${outage.failures} reopens failed`;
  const back = outage.backAtMs === null
    ? `it did not come back in the ${seconds(Math.max(0, endMs - outage.downAtMs))} that followed`
    : `it came back at ${seconds(outage.backAtMs)}, ${seconds(outage.backAtMs - outage.downAtMs)} later`;
  return `went down at ${seconds(outage.downAtMs)}${through}: the connection met ${outage.ended}, and ${tries} (${outage.reopen}); ${back}`;
}

export function judgeLine(input: LineInput): HoldLine {
  const { sessions } = input;
  const base = { target: input.target, path: input.path, proxy: input.proxy, route: input.route, sessions };
  const answered = sessions.flatMap((s) => s.answeredMs);
  const answeredMs = answered.length > 0 ? Math.max(...answered) : null;
  const line = (state: HoldLineState, why: string, cutMs: number | null = null, cutAgesMs: number[] = []): HoldLine => ({ ...base, state, why, idle: { answeredMs, cutMs }, cutAgesMs });
  const opened = sessions.filter((s) => s.openMs !== null);
  if (sessions.length === 0) return line('interrupted', 'stopped before it opened');
  if (opened.length === 0) {
    const end = sessions[0]!.end;
    return line('not-opened', `could not be opened: ${end.how === 'not-opened' ? `${end.stage}: ${end.why}` : 'no connection'}`);
  }
  const atOnce = unansweredAtOnce(sessions);
  if (atOnce) return line('unanswered', `opened, but GoToMyPC's ping just after opening met ${KIND_WORDS[atOnce.end.kind]}: this server does not answer it here, so a later silence would prove nothing`);

  const cuts = sessions.filter(isCut);
  const ages = cuts.map((c) => c.endedAtMs - c.openedAtMs);
  const through = input.proxy ? ` through the proxy ${input.proxy}` : '';
  const outage = outageOf(sessions);
  if (outage) return { ...line('down', outageText(outage, through, Math.max(input.heldMs ?? 0, sessions.at(-1)!.endedAtMs)), null, ages), outage };
  const came = answeredMs === null ? 'no exchange came back' : `an exchange came back after ${seconds(answeredMs)} idle`;
  // A cut after no more idle than came back elsewhere on the line is the connection's age at work, not its idleness.
  const byAge = cuts.filter((c) => c.end.kind !== 'closed' && answeredMs !== null && c.idleMs <= answeredMs);
  const byIdle = cuts.filter((c) => c.end.kind !== 'closed' && !byAge.includes(c));
  // One cut is no pattern: the search waits as long again, and a limit brings it back.
  if (byAge.length + byIdle.length === 1) {
    const once = byAge[0] ?? byIdle[0]!;
    const again = byAge.length > 0 ? `${came}, so not the idle time` : 'it was not seen again';
    return line('cut-once', `cut once, ${seconds(once.endedAtMs - once.openedAtMs)} after opening${through}, after ${seconds(once.idleMs)} idle: ${KIND_WORDS[once.end.kind]}; ${again}: a passing fault or a slow answer, not a limit`, null, [once.endedAtMs - once.openedAtMs]);
  }
  if (byAge.length > 0) {
    const kinds = listing([...new Set(byAge.map((c) => KIND_WORDS[c.end.kind]))]);
    const agesMs = byAge.map((c) => c.endedAtMs - c.openedAtMs);
    const [least, most] = [Math.min(...agesMs), Math.max(...agesMs)];
    const when = agesMs.length === 1 ? `${seconds(least)}` : most - least <= most / 10 ? `${agesMs.length} times, each about ${seconds(least)}` : `${agesMs.length} times, from ${seconds(least)} to ${seconds(most)}`;
    return line('lifetime-cut', `cut ${when} after opening${through}, though idle only ${seconds(Math.max(...byAge.map((c) => c.idleMs)))} (${came}): ${kinds}; a limit on a connection's age, not its idleness`, null, byAge.map((c) => c.endedAtMs - c.openedAtMs));
  }
  if (byIdle.length > 0) {
    const cutMs = Math.min(...byIdle.map((c) => c.idleMs));
    const kinds = listing([...new Set(byIdle.map((c) => KIND_WORDS[c.end.kind]))]);
    const span = answeredMs === null ? `after ${seconds(cutMs)} idle` : `after between ${seconds(answeredMs)} and ${seconds(cutMs)} idle`;
    return line('idle-cut', `cut when idle${through}, ${span}: ${kinds}; ${came}, ${byIdle.length === 1 ? 'one cut' : `${byIdle.length} cuts`}`, cutMs, ages);
  }
  const closed = cuts.filter((c) => c.end.kind === 'closed');
  if (closed.length > 0) {
    const cutMs = Math.min(...closed.map((c) => c.idleMs));
    const who = input.proxy ? `the proxy ${input.proxy} or GoTo's server behind it` : "GoTo's server (or a device in its place)";
    return line('closed', `closed (FIN) after ${seconds(cutMs)} idle by ${who}: which one cannot be told from here; ${came}`, cutMs, ages);
  }
  const last = sessions.at(-1)!;
  if (last.end.how === 'not-opened') return line('not-opened', `could not be opened again at ${seconds(last.openedAtMs)}: ${last.end.stage}: ${last.end.why}`);
  const exchanges = answered.length;
  const reopened = sessions.length > 1 ? `, on ${sessions.length} connections (the server closed each after answering)` : '';
  if (last.end.how === 'interrupted') return line('interrupted', `no cut in the ${seconds(last.endedAtMs)} held before it was stopped: ${exchanges} ${exchanges === 1 ? 'exchange' : 'exchanges'} answered${reopened}`);
  return line('held', `held ${seconds(last.endedAtMs)}${through}: ${exchanges} ${exchanges === 1 ? 'exchange' : 'exchanges'} answered, the longest after ${seconds(answeredMs ?? 0)} idle${reopened}`);
}

function pattern(options: HoldOptions): string {
  return options.everyMs === null ? 'no traffic until the end (--every never)' : `an exchange every ${formatDuration(options.everyMs)}`;
}

/** The first event before `atMs` of `kind`, for a line's host when it names one. */
function eventBefore(events: readonly HoldEvent[], kind: HoldEvent['kind'], atMs: number, host: string | null): HoldEvent | null {
  return events.find((e) => e.kind === kind && e.atMs <= atMs && (kind === 'local-address' || (host !== null && e.text.startsWith(`${host} `)))) ?? null;
}

function firstCutAt(line: HoldLine): number {
  return Math.min(...line.sessions.filter(isCut).map((s) => s.endedAtMs));
}

const evidence = (lines: HoldLine[]): string[] => lines.map((l) => `${where(l.target)}: ${l.why}`);

export function holdVerdict(lines: HoldLine[], events: HoldEvent[], options: HoldOptions, interrupted: boolean, dns: DnsReport | null = null): HoldVerdict {
  const advice: AdviceStep[] = [];
  const step = (text: string, seen: string[] = []): void => { advice.push({ text, evidence: seen }); };
  const unusable = dns?.results.filter((r) => !r.addresses.some((a) => a.probed)) ?? [];
  if (unusable.length > 0) step(`Run g2probe to see why ${listing(unusable.map((r) => r.host))} gave no address to hold.`, unusable.map((r) => `${r.host}: ${r.evidence.why}`));
  const held = lines.filter((l) => l.state === 'held');
  const down = lines.filter((l) => l.state === 'down');
  const cutLines = lines.filter((l) => l.state === 'idle-cut' || l.state === 'lifetime-cut');
  // A cut after the PC's own address went away, or after GoTo moved the name, is not the path's limit.
  const afterLocal = cutLines.filter((l) => eventBefore(events, 'local-address', firstCutAt(l), null));
  const afterMove = cutLines.filter((l) => !afterLocal.includes(l) && eventBefore(events, 'dns-change', firstCutAt(l), l.target.host));
  const pathCuts = cutLines.filter((l) => !afterLocal.includes(l) && !afterMove.includes(l));
  const idleCuts = pathCuts.filter((l) => l.state === 'idle-cut');
  const ageCuts = pathCuts.filter((l) => l.state === 'lifetime-cut');
  const closed = lines.filter((l) => l.state === 'closed');
  const ports = (ls: HoldLine[]): string => portWord([...new Set(ls.map((l) => l.target.port))].sort((a, b) => a - b));

  const downAfterLocal = down.filter((l) => eventBefore(events, 'local-address', l.outage!.downAtMs, null));
  const pathDown = down.filter((l) => !downAfterLocal.includes(l));
  if (pathDown.length > 0) {
    const stayed = pathDown.filter((l) => l.outage!.backAtMs === null);
    const how = stayed.length > 0 ? 'and could not be opened again' : 'and could be opened again only later';
    step(`Find what went down at ${seconds(Math.min(...pathDown.map((l) => l.outage!.downAtMs)))} into the hold: the connection on ${ports(pathDown)} ended ${how}. Check the network link, a VPN that dropped or reconnected, and the firewall or proxy between this PC and GoTo at that time; run g2probe now to see whether ${ports(pathDown)} is blocked.`, evidence(pathDown));
  }
  if (afterLocal.length > 0 || downAfterLocal.length > 0) {
    const event = eventBefore(events, 'local-address', Math.min(...[...afterLocal.map(firstCutAt), ...downAfterLocal.map((l) => l.outage!.downAtMs)]), null)!;
    step(`This PC's own address changed while connections were held (${event.text}). Every connection ends when the PC changes network: Wi-Fi roaming, a VPN that reconnects, a DHCP lease lost, an adapter's power saving. Keep the host PC on one wired network and turn off power saving on its adapter.`, evidence(afterLocal));
  }
  if (idleCuts.length > 0) {
    const answered = idleCuts.map((l) => l.idle.answeredMs ?? 0);
    const lo = Math.min(...answered);
    const hi = Math.min(...idleCuts.map((l) => l.idle.cutMs ?? Infinity));
    const proxied = idleCuts.filter((l) => l.proxy !== null);
    const limit = lo > 0 ? `between ${seconds(lo)} and ${seconds(hi)}` : `under ${seconds(hi)}`;
    const keepAlive = lo > 0 ? ` A keep-alive every ${seconds(Math.max(1000, Math.floor(lo / 2)))} would survive it.` : '';
    if (proxied.length > 0) {
      step(`Raise the idle timeout for CONNECT tunnels to GoTo on the proxy ${proxied[0]!.proxy} to at least 15 minutes (squid: read_timeout), or let GoTo's ranges bypass the proxy, as GoTo recommends. Tunnels idle for ${limit} are cut on ${ports(proxied)}.${keepAlive}`, evidence(proxied));
    }
    const direct = idleCuts.filter((l) => l.proxy === null);
    if (direct.length > 0) {
      step(`Raise the idle timeout for TCP connections to GoTo's ranges on ${ports(direct)} to at least 15 minutes on the firewall or NAT router between this PC and the internet (Linux: net.netfilter.nf_conntrack_tcp_timeout_established; a firewall: the idle or session timeout of the rule or service that admits GoToMyPC), or exempt GoTo's ranges from it. Connections idle for ${limit} are cut.${keepAlive}`, evidence(direct));
    }
  }
  if (ageCuts.length > 0) {
    const age = Math.min(...ageCuts.flatMap((l) => l.cutAgesMs));
    step(`Raise the longest a connection may last on the firewall, proxy (squid: client_lifetime) or VPN for GoTo's ranges on ${ports(ageCuts)}, or exempt them: connections are cut about ${seconds(age)} after they open, however busy. Keep-alives do not help against this.`, evidence(ageCuts));
  }
  if (closed.length > 0) {
    const n = Math.min(...closed.map((l) => l.idle.cutMs ?? Infinity));
    step(`A connection was closed after ${seconds(n)} idle, by GoTo's server or by ${closed.some((l) => l.proxy) ? 'the proxy' : 'a device on the path'}: which one cannot be told from here. If the host drops offline, check the idle timeout for GoTo on the proxy or firewall (squid: read_timeout), and run g2probe hold --every ${formatDuration(Math.max(1000, Math.floor(n / 2000) * 1000))} to see whether traffic at that interval keeps it open.`, evidence(closed));
  }
  for (const line of afterMove) {
    const event = eventBefore(events, 'dns-change', firstCutAt(line), line.target.host)!;
    step(`GoTo moved ${line.target.host} while it was held (${event.text}); the cut that followed is more likely GoTo retiring the old address than this network. Run hold again.`, evidence([line]));
  }
  const once = lines.filter((l) => l.state === 'cut-once');
  if (once.length > 0) step(`Hold again, for longer (--for 1h): a connection on ${ports(once)} was cut once, but the same wait did not cut it again, so it is no limit this hold could measure. Cuts that come back show as a limit.`, evidence(once));
  const notOpened = lines.filter((l) => l.state === 'not-opened');
  if (notOpened.length > 0) step(`Run g2probe (without hold) to see what is in the way on ${ports(notOpened)}: the connection could not be opened, so nothing could be held there.`, evidence(notOpened));
  const unanswered = lines.filter((l) => l.state === 'unanswered');
  if (unanswered.length > 0) step(`Nothing is known about ${ports(unanswered)}: the server there does not answer GoToMyPC's ping, so a cut cannot be told from its silence. Run g2probe to see whether a filter cuts it.`, evidence(unanswered));

  const lasting = pattern(options);
  if (pathDown.length > 0) {
    const first = pathDown[0]!;
    const outage = first.outage!;
    const back = outage.backAtMs === null ? 'did not come back' : `came back ${seconds(outage.backAtMs - outage.downAtMs)} later`;
    const also = pathCuts.length > 0 ? ' Connections were also cut on their own (see the steps).' : '';
    return { status: 'cut', exitCode: 2, text: `The path to GoToMyPC went down on ${ports(pathDown)} at ${seconds(outage.downAtMs)} (${outage.ended}) and ${back}: ${outage.failures === 1 ? 'the reopen' : `${outage.failures} reopens`} failed (${outage.reopen}); the host would be offline meanwhile.${also}`, advice };
  }
  if ((afterLocal.length > 0 || downAfterLocal.length > 0) && pathCuts.length === 0) {
    return { status: 'cut', exitCode: 2, text: `Connections to GoToMyPC ended when this PC's own address changed: the host drops offline each time the PC changes network.`, advice };
  }
  if (pathCuts.length > 0) {
    const first = idleCuts[0] ?? ageCuts[0]!;
    const text = idleCuts.length > 0
      ? `Connections to GoToMyPC are cut when idle: ${ports(idleCuts)}${first.proxy ? ' through the proxy' : ''}, after ${first.idle.answeredMs ? `between ${seconds(first.idle.answeredMs)} and ${seconds(first.idle.cutMs ?? 0)}` : `${seconds(first.idle.cutMs ?? 0)}`} idle; the host would drop offline.`
      : `Connections to GoToMyPC are cut about ${seconds(Math.min(...first.cutAgesMs))} after they open, whatever their traffic: ${ports(ageCuts)}; the host would drop offline.`;
    return { status: 'cut', exitCode: 2, text, advice };
  }
  if (once.length > 0) return { status: 'unknown', exitCode: 3, text: `A connection to GoToMyPC on ${ports(once)} was cut once and not again under the same wait: a passing fault, not a limit this hold could measure.`, advice };
  if (closed.length > 0) return { status: 'unknown', exitCode: 3, text: `A connection to GoToMyPC on ${ports(closed)} was closed after ${seconds(Math.min(...closed.map((l) => l.idle.cutMs ?? Infinity)))} idle; whether GoTo's server or the path closed it cannot be told.`, advice };
  if (afterMove.length > 0) return { status: 'unknown', exitCode: 3, text: `A connection to GoToMyPC was cut after GoTo moved the name it was opened to: not known to be this network's doing.`, advice };
  if (held.length > 0 && !interrupted && lines.every((l) => l.state === 'held' || l.state === 'not-opened' || l.state === 'unanswered')) {
    const others = lines.length - held.length;
    step(`Nothing to change for ${ports(held)}. If the host still drops offline, hold longer (--for 1h) or with --every never, and compare with the times it drops.`);
    return { status: 'held', exitCode: 0, text: `${held.length === lines.length ? 'Every connection' : `The connections on ${ports(held)}`} to GoToMyPC stayed open for ${formatDuration(options.forMs)}, with ${lasting}${others > 0 ? `; ${others} could not be held (see the steps)` : ''}.`, advice };
  }
  if (interrupted) return { status: 'unknown', exitCode: 3, text: `Stopped before the end: no cut seen in what was held, but ${formatDuration(options.forMs)} were not held.`, advice };
  return { status: 'unknown', exitCode: 3, text: 'No connection to GoToMyPC could be held: nothing is known about cuts.', advice };
}
