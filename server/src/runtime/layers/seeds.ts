// Seeded initializers. compileModel gives each layer its own seed (the run's seed counted up layer
// by layer; a bidirectional layer takes one more for its backward copy); a layer with several
// weights draws each from `seed + salt / 1024`, a seed no other layer uses, so every weight of the
// model starts from the run's seed and no two weights start alike.

import { tf } from '../tf';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';

export type InitKind = 'glorotUniform' | 'orthogonal' | 'smallUniform';

/** The initializer `kind` seeded for weight number `salt` (0 to 1023) of a layer; unseeded without a seed. */
export function seededInit(kind: InitKind, seed: number | undefined, salt = 0): Initializer {
  const s = seed === undefined ? undefined : seed + salt / 1024;
  switch (kind) {
    case 'glorotUniform':
      return tf.initializers.glorotUniform({ seed: s });
    case 'orthogonal':
      return tf.initializers.orthogonal({ gain: 1, seed: s });
    case 'smallUniform':
      // Keras' default for embeddings and learned position tables
      return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: s });
  }
}
