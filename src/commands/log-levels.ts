// pino's level names, apart from pino itself: parsing --log-level must not load the logger (start-up time).
import type { LevelWithSilent } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
