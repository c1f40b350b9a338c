// The formatter: one canonical layout, idempotent, comments kept, broken text left alone.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from '../../server/src/core/format';
import { parse } from '../../server/src/core/syntax/parser';
import { lex, T } from '../../server/src/core/syntax/lexer';
import { ModelGenerator } from '../gen/random-models';

const samples = path.join(__dirname, '..', '..', 'samples');

function tokensOf(text: string): string[] {
  return lex(text).tokens.filter((t) => t.kind !== T.EOF).map((t) => text.slice(t.start, t.end));
}

describe('formatter', () => {
  it('lays out spacing and indentation canonically, keeping comments and line structure', () => {
    const input = '# head\nmodel   M{\ninput [28,28,1]   # in\n      conv2d( 32,3 ,activation:relu)\n  dense(hidden*2)\n residual {conv_bn(32)  conv_bn(32)}\n\n\n\n  dense(-1 + 2)\n}\n';
    assert.equal(
      format(input)!.text,
      '# head\nmodel M {\n  input [28, 28, 1]   # in\n  conv2d(32, 3, activation: relu)\n  dense(hidden * 2)\n  residual { conv_bn(32)  conv_bn(32) }\n\n  dense(-1 + 2)\n}\n',
    );
  });

  it('indents continuation lines inside brackets', () => {
    assert.equal(format('train t {\nmetrics: [\naccuracy,\nr2\n]\n}')!.text, 'train t {\n  metrics: [\n    accuracy,\n    r2\n  ]\n}\n');
  });

  it('keeps a range with its try (it starts no setting)', () => {
    assert.equal(format('train t {\nepochs: try uniform(1,4)  lr:try [0.1,0.01]\n}')!.text, 'train t {\n  epochs: try uniform(1, 4)  lr: try [0.1, 0.01]\n}\n');
  });

  it('keeps CRLF line ends and a byte-order mark', () => {
    assert.equal(format('\uFEFFmodel M {\r\ninput [2]\r\n}')!.text, '\uFEFFmodel M {\r\n  input [2]\r\n}\r\n');
  });

  it('counts a lone CR as a line break, as the lexer does (a comment ends there)', () => {
    // found by the fuzzer: the comment swallowed the declaration after it, and a CR-only file threw
    assert.equal(format('# c\rmodel M {\rinput [2]\r}')!.text, '# c\nmodel M {\n  input [2]\n}\n');
  });

  it('leaves text with syntax errors alone', () => {
    assert.equal(format('model M {\n  dense(3 4)\n}\n'), undefined);
  });

  it('leaves every sample unchanged (they are written in the canonical style)', () => {
    for (const f of fs.readdirSync(samples).filter((x) => x.endsWith('.nn'))) {
      const text = fs.readFileSync(path.join(samples, f), 'utf8');
      assert.equal(format(text)!.text, text, f);
    }
  });

  it('is idempotent and changes only whitespace, on random models squashed onto few lines', () => {
    const gen = new ModelGenerator(7);
    for (let i = 0; i < 200; i++) {
      const { text } = gen.model(`F${i}`);
      // scramble the whitespace: remove indentation, double some spaces
      const messy = text.replace(/\n\s+/g, '\n').replace(/, /g, ',').replace(/\(/g, '( ');
      const once = format(messy)!;
      assert.ok(once, `model ${i} has syntax errors after scrambling:\n${messy}`);
      assert.equal(format(once.text)!.text, once.text, `not idempotent:\n${once.text}`);
      assert.deepEqual(tokensOf(once.text), tokensOf(messy), 'tokens changed');
      assert.deepEqual(parse(once.text).errors, []);
    }
  });
});
