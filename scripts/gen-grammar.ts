// Writes syntaxes/nn.tmLanguage.json: the TextMate grammar, with the names of built-in layers,
// functions and values taken from the catalogue so highlighting never lags behind the language.
// `npm run grammar` runs it; a test fails when the committed grammar is out of date.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAYERS } from '../server/src/core/catalog/layers';
import { LOSSES, OPTIMIZERS, SCHEDULES, METRICS, REGULARIZERS, AUGMENTATIONS, CALLBACKS } from '../server/src/core/catalog/training';
import { DATASETS } from '../server/src/core/catalog/datasets';
import { ACTIVATION_FUNCTIONS } from '../server/src/core/catalog/common';
import { TRAIN_SETTINGS } from '../server/src/core/catalog/settings';

// a name as the lexer reads one (Unicode letters, as Python 3 and JavaScript): Oniguruma's classes
const NAME = '[\\p{L}\\p{Nl}_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}]*';

const words = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');

export function grammar(): object {
  const layers = LAYERS.map((l) => l.name);
  const functions = [...LOSSES, ...OPTIMIZERS, ...SCHEDULES, ...METRICS, ...REGULARIZERS, ...AUGMENTATIONS, ...CALLBACKS, ...DATASETS].map((s) => s.name);
  const constants = [...Object.keys(ACTIVATION_FUNCTIONS), 'leaky_relu', 'valid', 'same', 'concat', 'sum', 'mul', 'ave', 'learned', 'sinusoidal', 'auto', 'min', 'max', 'classification', 'regression', 'loss', 'val_loss'];
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'NN',
    scopeName: 'source.nn',
    fileTypes: ['nn'],
    patterns: [{ include: '#comment' }, { include: '#declaration' }, { include: '#statement-keyword' }, { include: '#expression' }],
    repository: {
      comment: { name: 'comment.line.number-sign.nn', match: '#.*$' },
      declaration: {
        patterns: [
          { match: `\\b(model)\\s+(${NAME})`, captures: { 1: { name: 'storage.type.model.nn' }, 2: { name: 'entity.name.type.class.nn' } } },
          { match: `\\b(block)\\s+(${NAME})`, captures: { 1: { name: 'storage.type.block.nn' }, 2: { name: 'entity.name.function.nn' } } },
          { match: `\\b(dataset|const)\\s+(${NAME})`, captures: { 1: { name: 'storage.type.$1.nn' }, 2: { name: 'variable.other.declaration.nn' } } },
          { match: `\\b(train)\\s+(${NAME})`, captures: { 1: { name: 'storage.type.train.nn' }, 2: { name: 'entity.name.section.nn' } } },
          { match: '\\b(import)\\b', name: 'keyword.control.import.nn' },
        ],
      },
      'statement-keyword': {
        patterns: [
          { match: '\\b(parallel)\\s+(concat|add)\\b', captures: { 1: { name: 'keyword.control.nn' }, 2: { name: 'support.constant.merge.nn' } } },
          { match: '\\b(input|residual|shortcut|parallel|branch|repeat)\\b', name: 'keyword.control.nn' },
        ],
      },
      expression: {
        patterns: [
          { include: '#comment' },
          { include: '#string' },
          { include: '#number' },
          { match: '\\b(true|false)\\b', name: 'constant.language.boolean.nn' },
          // values to try (a sweep): try [..], try uniform(..), try log_uniform(..)
          { match: '\\b(try)\\s+(?=\\[|uniform\\s*\\(|log_uniform\\s*\\()', captures: { 1: { name: 'keyword.control.try.nn' } } },
          { match: '\\b(uniform|log_uniform)\\s*(?=\\()', name: 'support.function.range.nn' },
          { match: `\\b(${words(TRAIN_SETTINGS.map((p) => p.name))})\\s*(:)`, captures: { 1: { name: 'variable.other.property.setting.nn' }, 2: { name: 'punctuation.separator.key-value.nn' } } },
          { match: `\\b(${NAME})\\s*(:)`, captures: { 1: { name: 'variable.parameter.nn' }, 2: { name: 'punctuation.separator.key-value.nn' } } },
          { match: `\\b(${words(layers)})\\s*(?=\\()`, name: 'support.function.layer.nn' },
          { match: `\\b(${words(functions)})\\b`, name: 'support.function.nn' },
          { match: `\\b(${NAME})\\s*(?=\\()`, name: 'entity.name.function.call.nn' },
          { match: `\\b(${words(constants)})\\b`, name: 'support.constant.nn' },
          { match: '\\b[A-Z]\\w*\\b', name: 'entity.name.type.class.nn' },
          { match: `\\b${NAME}`, name: 'variable.other.nn' },
          { match: '[-+*/]', name: 'keyword.operator.arithmetic.nn' },
          { match: '=', name: 'keyword.operator.assignment.nn' },
          { match: ',', name: 'punctuation.separator.comma.nn' },
          { match: '[{}]', name: 'punctuation.section.block.nn' },
          { match: '[()]', name: 'punctuation.section.parens.nn' },
          { match: '[\\[\\]]', name: 'punctuation.section.brackets.nn' },
        ],
      },
      string: {
        name: 'string.quoted.double.nn',
        begin: '"',
        end: '"|$',
        patterns: [{ match: '\\\\.', name: 'constant.character.escape.nn' }],
      },
      number: { match: '(?<![\\w.])(\\d[\\d_]*(\\.\\d[\\d_]*)?|\\.\\d[\\d_]*)([eE][+-]?\\d+)?\\b', name: 'constant.numeric.nn' },
    },
  };
}

if (require.main === module) {
  fs.writeFileSync(path.join(__dirname, '..', 'syntaxes', 'nn.tmLanguage.json'), JSON.stringify(grammar(), null, 2) + '\n');
}
