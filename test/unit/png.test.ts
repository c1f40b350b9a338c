import { strict as assert } from 'node:assert';
import { PNG } from 'pngjs';
import { pngSize, svgToPng } from '../../server/src/node/png';

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
});
