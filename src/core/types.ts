// Public types of g2probe, one module per concept in types/: the data that crosses module boundaries and ends up in
// reports. Import them from here; the modules in types/ import each other directly.
export { STATUSES } from './types/status.js';
export type * from './types/targets.js';
export type * from './types/status.js';
export type * from './types/trust.js';
export type * from './types/observation.js';
export type * from './types/evidence.js';
export type * from './types/dns.js';
export type * from './types/attempt.js';
export type * from './types/routes.js';
export type * from './types/summary.js';
export type * from './types/verdict.js';
export type * from './types/policy.js';
export type * from './types/report.js';
export type * from './types/hold.js';
