// JSON lines over a stream (a child's stdout, the progress socket): each whole line once, without
// its newline. Bytes are decoded as UTF-8 across chunk boundaries, so a character split between
// two chunks (a class name in Chinese, say) arrives whole.
//
// A line is at most `maxLine` characters: the bytes of a longer one are dropped as they come (and
// `onTooLong` hears of it once), up to its newline. A peer that sent bytes without newlines grew
// the buffer to 1.6 GB; and the buffer was searched from its start at every chunk, which made
// training 25 times slower. Each chunk is searched once.

import { StringDecoder } from 'node:string_decoder';

/** The longest line read by default: far more than any event (a weights event is a few MB). */
export const MAX_LINE = 64 * 2 ** 20;

export function onLines(stream: NodeJS.ReadableStream, f: (line: string) => void, opts: { maxLine?: number; onTooLong?: () => void } = {}): void {
  const max = opts.maxLine ?? MAX_LINE;
  const decoder = new StringDecoder('utf8');
  /** the unfinished line's pieces, and their length */
  let parts: string[] = [];
  let size = 0;
  /** inside a line that was too long: dropped up to its newline */
  let dropping = false;
  const tooLong = () => {
    parts = [];
    size = 0;
    opts.onTooLong?.();
  };
  stream.on('data', (d: Buffer | string) => {
    const chunk = typeof d === 'string' ? d : decoder.write(d);
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      if (dropping) dropping = false;
      else if (size + nl - start > max) tooLong();
      else {
        parts.push(chunk.slice(start, nl));
        const line = parts.length === 1 ? parts[0] : parts.join('');
        parts = [];
        size = 0;
        f(line);
      }
      start = nl + 1;
    }
    if (dropping || start === chunk.length) return;
    if (size + chunk.length - start > max) {
      dropping = true;
      tooLong();
    } else {
      parts.push(chunk.slice(start));
      size += chunk.length - start;
    }
  });
}
