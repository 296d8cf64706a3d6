import { packageFile } from './package-files.js';

/** Read from package.json at run time so the report always names the version that ran. */
export const VERSION: string = (JSON.parse(packageFile('package.json')) as { version: string }).version;
