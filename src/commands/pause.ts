// --pause: a console window opened for this run (a double-click in Explorer) stays until the user has read it.
import { createInterface } from 'node:readline';

/** Says where the report is, then waits for Enter, or for stdin to end (nobody is there to press it). */
export function waitForEnter(savedTo: string | null): Promise<void> {
  const saved = savedTo === null ? '' : `The full report is saved as ${savedTo}\nAttach that file to the ticket.\n`;
  process.stderr.write(`\n${saved}Press Enter to close this window.\n`);
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    const done = (): void => {
      lines.close();
      resolve();
    };
    lines.once('line', done).once('close', done);
  });
}
