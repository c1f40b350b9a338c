import { strict as assert } from 'node:assert';
import { PNG } from 'pngjs';
import { pngSize, svgToPng, findCjkFont, fontFileExists, CJK_FONT_FILES, type FontProbe } from '../../server/src/node/png';
import { pictureFontFiles } from '../../server/src/cli/fonts';

describe('svgToPng', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="0" y="0" width="20" height="20" fill="#ff0000"/></svg>';

  it('renders at the SVG size, with the shapes where they are drawn', () => {
    const png = svgToPng(svg);
    assert.deepEqual(pngSize(png), { width: 40, height: 20 });
    const img = PNG.sync.read(png);
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
    assert.deepEqual(at(5, 5), [255, 0, 0, 255]);
    assert.equal(at(30, 5)[3], 0, 'outside the rectangle is transparent');
  });

  it('scales to a width and fills a background', () => {
    const img = PNG.sync.read(svgToPng(svg, { width: 80, background: '#ffffff' }));
    assert.equal(img.width, 80);
    assert.equal(img.height, 40);
    const i = (10 * img.width + 70) * 4;
    assert.deepEqual(Array.from(img.data.subarray(i, i + 4)), [255, 255, 255, 255]);
  });

  it('says what is wrong with text that is not SVG or not PNG', () => {
    assert.throws(() => svgToPng('not svg'));
    assert.throws(() => pngSize(Buffer.from('hello, this is not a png file')), /not a PNG/);
  });

  describe('a font with Chinese glyphs', () => {
    /** One character drawn black on white at 32 px: its pixels, and how many are dark. */
    const glyph = (ch: string, systemFonts?: boolean, fontFiles?: string[]) => {
      const text = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="4" y="32" font-size="32" font-family="'DejaVu Sans Mono', monospace">${ch}</text></svg>`;
      const img = PNG.sync.read(svgToPng(text, { background: '#ffffff', systemFonts, fontFiles }));
      let dark = 0;
      for (let i = 0; i < img.data.length; i += 4) if (img.data[i] < 128) dark++;
      return { pixels: Buffer.from(img.data).toString('base64'), dark };
    };

    it('is loaded by its file, so Chinese is drawn even where resvg looks in no font folder', function () {
      const files = pictureFontFiles(); // as nn graph and nn plot find it: fontconfig, else the usual places
      if (files.length === 0) this.skip(); // nothing to load on this machine: the docs say what to install
      // without the system's folders only the Chinese font is there: each character drawn in its own shape, not a box or nothing
      // as given by the command line, and svgToPng's own (the usual places) where one is there
      const usual = findCjkFont({ fcList: () => undefined, exists: fontFileExists });
      for (const f of usual ? [files, undefined] : [files]) {
        const [a, b, c] = ['输', '入', '参'].map((ch) => glyph(ch, false, f));
        for (const g of [a, b, c]) assert.ok(g.dark > 20, 'the character is drawn');
        assert.notEqual(a.pixels, b.pixels);
        assert.notEqual(b.pixels, c.pixels);
      }
      // and with the system's fonts, the picture's monospace font falls back to it for Chinese
      assert.notEqual(glyph('输').pixels, glyph('入').pixels);
    });

    it('is found through fontconfig, a regular face first, else in the usual places, else not at all', () => {
      const probe = (listed: string | undefined, files: string[]): FontProbe => ({ fcList: () => listed, exists: (f) => files.includes(f) });
      const fc = '/opt/fonts/NotoSansCJK-Bold.ttc: \n/opt/fonts/NotoSansCJK-Regular.ttc: \n/gone/x.ttf: \n';
      assert.equal(findCjkFont(probe(fc, ['/opt/fonts/NotoSansCJK-Bold.ttc', '/opt/fonts/NotoSansCJK-Regular.ttc'])), '/opt/fonts/NotoSansCJK-Regular.ttc');
      assert.equal(findCjkFont(probe('/opt/fonts/Odd-Bold.otf:\n', ['/opt/fonts/Odd-Bold.otf'])), '/opt/fonts/Odd-Bold.otf');
      // fontconfig missing, or listing a file that is gone: the usual places
      const wqy = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
      assert.ok(CJK_FONT_FILES.includes(wqy));
      assert.equal(findCjkFont(probe(undefined, [wqy])), wqy);
      assert.equal(findCjkFont(probe('/gone/x.ttf:\n', [wqy])), wqy);
      assert.equal(findCjkFont(probe('', [])), undefined);
    });
  });
});
