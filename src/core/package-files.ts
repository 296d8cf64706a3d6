// The files that ship beside the code (package.json, the report's schema, the PAC sandbox's engine): read from
// the package, or, in a single executable, from the assets built into it (build/dist.mjs), so one file is all
// a PC needs.
import { readFileSync } from 'node:fs';
import sea from 'node:sea';

/** `path` relative to the package root, as the executable's assets are named too. */
export function packageFile(path: string): string {
  if (sea.isSea()) return sea.getAsset(path, 'utf8');
  // Resolved here, not at load: a bundle for the executable has no import.meta.url, and never gets here.
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** A binary asset `name`, or the file `locate()` finds when this is no executable (a dependency's file, say). */
export function packageBytes(name: string, locate: () => string): Uint8Array {
  if (sea.isSea()) return new Uint8Array(sea.getRawAsset(name));
  return readFileSync(locate());
}
