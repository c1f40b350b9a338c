// Offsets, lines and columns. The core works in UTF-16 offsets into the source text (what a JS
// string index is, and what LSP positions count); conversion to lines happens only at the edges.

export interface Span {
  start: number;
  end: number;
}

export interface Position {
  /** 0-based line */
  line: number;
  /** 0-based UTF-16 column */
  character: number;
}

/** Line starts of a text, found on first use: most analyses convert no offset to a position. */
export class LineIndex {
  private found: number[] | undefined;

  constructor(readonly text: string) {}

  private get starts(): number[] {
    return (this.found ??= lineStarts(this.text));
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineStart = this.starts[pos.line];
    const lineEnd = this.lineEnd(pos.line);
    return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset of the end of a line's content (before its line break). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let e = this.starts[line + 1];
    if (e > 0 && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > 0 && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
