// `g2probe health`: the container's HEALTHCHECK. Asks serve's /healthz on this machine and exits 0 or 1.
import { request } from 'node:http';
import { fail } from '../core/errors.js';
import { GuardBreach, openSocket } from '../net/dialer.js';
import { assertLoopbackHost } from '../net/guard.js';
import { guardFromEnv } from '../net/loopback.js';
import { writeStdout } from '../report/output.js';
import { integer } from './args.js';
import { parseFlags } from './flags.js';
import { formatListen, listenFrom, type ListenAddress } from './listen-address.js';

const SPEC = {
  listen: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: g2probe health [--listen ADDR:PORT] [--timeout MS]

Exits 0 when the g2probe serve listening there answers /healthz with 200,
1 otherwise (one line on stderr says why). For Docker's HEALTHCHECK: it needs
no curl in the image. --listen defaults to G2PROBE_LISTEN, else 0.0.0.0:9815;
an every-interface address is asked on loopback. --timeout defaults to 2000.
`;

/** Serve on every interface is reached on this machine's loopback. */
function local({ host, port }: ListenAddress): ListenAddress {
  return { host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port };
}

export async function healthCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const values = parseFlags(argv, SPEC, { command: 'g2probe health' });
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  const target = local(listenFrom(values.listen, env));
  if (guardFromEnv(env.G2PROBE_LOOPBACK_ONLY)) assertLoopbackHost(target.host, 'serve');
  const timeoutMs = integer('timeout', values.timeout, 2000, 1, 600_000, 'the timeout in ms');
  const answer = await new Promise<{ status: number; body: string } | { error: string }>((resolve, reject) => {
    const req = request({ host: target.host, port: target.port, path: '/healthz', timeout: timeoutMs, createConnection: () => openSocket(target) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // node:http reports what createConnection threw as the request's error; the dialer's refusal is a fault, not an answer.
    req.on('error', (err: NodeJS.ErrnoException) => (err instanceof GuardBreach ? reject(err) : resolve({ error: err.code === 'ECONNREFUSED' ? 'nothing listens there' : err.message })));
    req.end();
  });
  const where = `http://${formatListen(target)}/healthz`;
  if ('error' in answer) {
    fail(`${where}: ${answer.error}`);
    return 1;
  }
  if (answer.status !== 200) {
    fail(`${where}: ${answer.status} ${answer.body.slice(0, 200)}`);
    return 1;
  }
  writeStdout(`${answer.body}\n`);
  return 0;
}
