// A Windows PC for the local-policy tests: recorded tool output from fixtures/windows, and its environment.
import { readFileSync } from 'node:fs';

export const windowsFixture = (name: string): string => readFileSync(new URL(`../../fixtures/windows/${name}`, import.meta.url), 'utf8');

export const X86 = 'C:\\Program Files (x86)\\Citrix\\GoToMyPC\\';

export const WINDOWS_ENV: NodeJS.ProcessEnv = {
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  ProgramFiles: 'C:\\Program Files',
  ProgramW6432: 'C:\\Program Files',
  LOCALAPPDATA: 'C:\\Users\\pat\\AppData\\Local',
  SystemRoot: 'C:\\Windows',
};

const encoders = new Map<string, Map<string, number[]>>();

/** One byte or byte pair a character, as TextDecoder reads them, turned round: the tests' encoder for a code page. */
function encoderFor(label: string): Map<string, number[]> {
  const known = encoders.get(label);
  if (known) return known;
  const decoder = new TextDecoder(label);
  const table = new Map<string, number[]>();
  const add = (bytes: number[]) => {
    const text = decoder.decode(Uint8Array.from(bytes));
    if ([...text].length === 1 && text !== '\uFFFD' && !table.has(text)) table.set(text, bytes);
  };
  for (let byte = 0x80; byte <= 0xff; byte++) add([byte]);
  for (let lead = 0x81; lead <= 0xfe; lead++) for (let trail = 0x40; trail <= 0xfe; trail++) add([lead, trail]);
  encoders.set(label, table);
  return table;
}

/**
 * `text` as a console tool writes it in `label`'s code page (shift_jis for 932, gbk for 936, …), one character a
 * byte, as systemRunner hands it over (latin1). The corpus's captures are stored as UTF-8; a real console's are not.
 */
export function consoleBytes(text: string, label: string): string {
  const table = encoderFor(label);
  return [...text].map((c) => {
    if (c.charCodeAt(0) < 0x80) return c;
    const bytes = table.get(c);
    if (bytes === undefined) throw new Error(`${JSON.stringify(c)} is not in ${label}`);
    return String.fromCharCode(...bytes);
  }).join('');
}
