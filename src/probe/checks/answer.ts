// What an HTTP answer read off a connection (80, 8200) becomes in an observation: its status and headers, the body
// as text for the judgement, a short escaped sample for the report, and how it was read.
import { escapeText } from '../../core/escape.js';
import { bodyText, readResponse, type HttpResponse, type ReadLimits } from '../../core/http-response.js';
import type { HttpAnswer } from '../../core/types.js';
import type { ResponseRead } from './response.js';

/** Characters of the body the report keeps; the judgement reads all of what was read. */
const SAMPLE_CHARS = 300;

/**
 * The answer as far as it came: what the reader settled on, or, when the deadline came first, what arrived judged
 * as if the connection had ended there (a head cut short by a slow sender is still an answer). Null without a byte.
 */
export function answerRead(read: ResponseRead, limits: ReadLimits): HttpResponse | null {
  if (read.response !== null || read.data.length === 0) return read.response;
  return readResponse(read.data, limits, { ended: true });
}

/** The answer as an observation keeps it; bytes without a status line are status 0, with no headers. */
export function answerParts(response: HttpResponse): HttpAnswer & { read: NonNullable<HttpAnswer['read']> } {
  const text = bodyText(response.body, response.headers['content-type']);
  const body = escapeText(text, SAMPLE_CHARS);
  return {
    ...(response.status === null ? { status: 0, statusText: '', headers: {} } : { status: response.status, statusText: response.statusText, headers: response.headers }),
    ...(body ? { body } : {}),
    text,
    read: response.read,
  };
}

/** The first line of an answer as the report shows it: the status line, or the start of bytes that have none. */
export function firstLine(response: HttpResponse, text: string): string {
  if (response.status === null) return escapeText(text, SAMPLE_CHARS);
  return escapeText(`${response.version ?? 'HTTP'} ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, SAMPLE_CHARS);
}
