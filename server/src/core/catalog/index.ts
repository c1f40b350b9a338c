// One lookup over the whole vocabulary.

import type { Category, FnSpec } from './types';
import { LAYERS } from './layers';
import { LOSSES, OPTIMIZERS, SCHEDULES, METRICS, REGULARIZERS, AUGMENTATIONS, CALLBACKS } from './training';
import { DATASETS } from './datasets';

const BY_CATEGORY: Record<Category, readonly FnSpec[]> = {
  layer: LAYERS,
  loss: LOSSES,
  optimizer: OPTIMIZERS,
  schedule: SCHEDULES,
  metric: METRICS,
  dataset: DATASETS,
  regularizer: REGULARIZERS,
  augmentation: AUGMENTATIONS,
  callback: CALLBACKS,
};

const INDEX: Record<Category, Map<string, FnSpec>> = Object.fromEntries(
  Object.entries(BY_CATEGORY).map(([c, specs]) => [c, new Map(specs.map((s) => [s.name, s]))]),
) as Record<Category, Map<string, FnSpec>>;

export function specsOf(category: Category): readonly FnSpec[] {
  return BY_CATEGORY[category];
}

export function findSpec(category: Category, name: string): FnSpec | undefined {
  return INDEX[category].get(name);
}

export const CATEGORY_NAMES: Record<Category, string> = {
  layer: 'layer',
  loss: 'loss',
  optimizer: 'optimizer',
  schedule: 'schedule',
  metric: 'metric',
  dataset: 'dataset',
  regularizer: 'regularizer',
  augmentation: 'augmentation',
  callback: 'callback',
};

export { LAYERS } from './layers';
export { DATASETS } from './datasets';
export * from './types';
