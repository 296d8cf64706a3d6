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
