// Small pieces of plain English shared by the verdict, the advice and the text report.

/** "80", "80 and 443", "80, 443 and 8200". */
export function listing(items: readonly (string | number)[]): string {
  const words = items.map(String);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function portWord(ports: readonly number[]): string {
  return `${ports.length === 1 ? 'port' : 'ports'} ${listing(ports)}`;
}

/** Wraps prose at `width` columns, keeping the text's own leading spaces; later lines start with `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead;
  for (const word of text.trim().split(/\s+/)) {
    if (line.trim() !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line.trim() === '' ? line + word : `${line} ${word}`;
    }
  }
  if (line.trim() !== '') lines.push(line);
  return lines.join('\n');
}

/** A duration the way --every and --for take one: 30s, 5m, 1h, 500ms. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
