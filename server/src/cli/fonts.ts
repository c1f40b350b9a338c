// The fonts the command line's PNG pictures load besides resvg's own (node/png.ts): a font with
// Chinese glyphs as fontconfig lists it (`fc-list :lang=zh file`), else in the usual places. Here
// and not in node/, which runs no programs (the security test holds it to that).

import { execFileSync } from 'node:child_process';
import { findCjkFont, fontFileExists, type FontProbe } from '../node/png';

export const SYSTEM_FONTS: FontProbe = {
  fcList: () => {
    try {
      return execFileSync('fc-list', [':lang=zh', 'file'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined; // no fontconfig (macOS, Windows, a bare container): the usual places are looked at
    }
  },
  exists: fontFileExists,
};

let found: { files: string[] } | undefined;

/** The font files for svgToPng's `fontFiles`: the Chinese font, when the system has one (looked up once a process). */
export function pictureFontFiles(): string[] {
  if (!found) {
    const file = findCjkFont(SYSTEM_FONTS);
    found = { files: file ? [file] : [] };
  }
  return found.files;
}
