// What the Dockerfile does, without an engine: pack the package, install the tarball into a clean
// prefix, and run the installed command. Catches files missing from the package and build-only imports.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { collect } from './helpers/cli.js';

t.test('npm pack → clean install → g2probe --help and --plan', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g2probe-pack-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const npm = (args: string[]) => collect('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {}, 180_000);

  const pack = await npm(['pack', '--pack-destination', dir]);
  t.equal(pack.code, 0, pack.stderr);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  t.ok(tarball, 'a tarball was made');

  const prefix = join(dir, 'prefix');
  const install = await npm(['install', '--global', '--omit=dev', '--prefer-offline', '--prefix', prefix, join(dir, tarball!)]);
  t.equal(install.code, 0, install.stderr);

  const bin = join(prefix, 'bin', 'g2probe');
  const help = await collect(bin, ['--help']);
  t.equal(help.code, 0, help.stderr);
  t.match(help.stdout, /^Usage: g2probe/);
  const plan = await collect(bin, ['--plan', '--json']);
  t.equal(plan.code, 0, plan.stderr);
  t.equal((JSON.parse(plan.stdout) as { count: number }).count, 114);
});
