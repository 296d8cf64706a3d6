// Ctrl-C for the lab: node interrupt.mjs AFTER_MS COUNT COMMAND ARGS… runs COMMAND ARGS…, sends it SIGINT
// after AFTER_MS, and with COUNT 2 once more as soon as it logs that it is finishing the report. Prints one
// JSON line: how it ended (code, signal), ms from the first and the last signal to its exit, stdout, stderr.
// A shell cannot say whether a child exited 130 or was killed by SIGINT ($? is 130 both ways); this can.
// INTERRUPT_SIGNAL=SIGHUP sends that instead (a Windows console window being closed, as Node reports it).
// INTERRUPT_WHEN=FILE counts AFTER_MS from when FILE appears (the scenario says when the command got going), not
// from the start: a loaded machine can take seconds to start it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const [afterMs, count, ...command] = process.argv.slice(2);
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
const sent = [];
let stdout = '';
let stderr = '';
const interrupt = () => {
  sent.push(performance.now());
  child.kill(process.env.INTERRUPT_SIGNAL ?? 'SIGINT');
};
child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
child.stderr.setEncoding('utf8').on('data', (d) => {
  stderr += d;
  if (count === '2' && sent.length === 1 && stderr.includes('interrupted')) interrupt();
});
const when = process.env.INTERRUPT_WHEN;
if (when === undefined) setTimeout(interrupt, Number(afterMs));
else {
  const watch = setInterval(() => {
    if (!existsSync(when)) return;
    clearInterval(watch);
    setTimeout(interrupt, Number(afterMs));
  }, 50);
}
// Bounded: a child that ignores both signals is killed, and the test sees signal SIGKILL.
const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
let ended = 0;
child.on('exit', () => { ended = performance.now(); });
child.on('close', (code, signal) => {
  clearTimeout(deadline);
  const ms = (at) => (at === undefined ? null : Math.round(ended - at));
  process.stdout.write(`${JSON.stringify({ code, signal, signals: sent.length, firstToExitMs: ms(sent[0]), lastToExitMs: ms(sent.at(-1)), stdout, stderr })}\n`);
});
