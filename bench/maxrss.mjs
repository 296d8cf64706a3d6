// Loaded with --import: at exit, appends two numbers to $BENCH_RSS_FILE: the process's peak RSS (KiB,
// from getrusage) and the heap still reachable after a full collection (bytes), which tells memory
// that is held from garbage not yet collected.
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.BENCH_RSS_FILE;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
if (file) {
  process.on('exit', () => {
    const peakKiB = process.resourceUsage().maxRSS;
    gc();
    appendFileSync(file, `${peakKiB} ${process.memoryUsage().heapUsed}\n`);
  });
}
