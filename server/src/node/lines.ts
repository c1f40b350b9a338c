// JSON lines over a stream (a child's stdout, the progress socket): each whole line once, without
// its newline. Bytes are decoded as UTF-8 across chunk boundaries, so a character split between
// two chunks (a class name in Chinese, say) arrives whole.

import { StringDecoder } from 'node:string_decoder';

export function onLines(stream: NodeJS.ReadableStream, f: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  stream.on('data', (d: Buffer | string) => {
    buf += typeof d === 'string' ? d : decoder.write(d);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      f(line);
    }
  });
}
