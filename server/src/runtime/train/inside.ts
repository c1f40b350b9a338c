// Which layers `layer_stats` reports, and the activation each one's output passes through last:
// one rule for both engines (the tfjs probe in layer-stats.ts, train.py through train-py.ts).
// Pure: no tfjs.

import { isLayerNode, type LayerNodeDesc, type ModelDesc } from '../../core/model';

/** The probe batch: at most this many of the first training samples. */
export const PROBE_SAMPLES = 128;

/** Layers that are an activation function; a layer with weights names its own in `activation:`. */
const ACTIVATION_LAYERS = new Set(['relu', 'leaky_relu', 'elu', 'gelu', 'sigmoid', 'tanh', 'softmax']);

export interface ReportedLayer {
  node: LayerNodeDesc;
  activation?: string;
  /** it has trainable weights */
  weighted: boolean;
}

/** Every layer with trainable weights, and every activation layer, in the model's order. */
export function reportedLayers(desc: ModelDesc): ReportedLayer[] {
  const out: ReportedLayer[] = [];
  for (const n of desc.nodes) {
    if (!isLayerNode(n)) continue;
    const weighted = n.trainable > 0;
    const own = typeof n.args.activation === 'string' && n.args.activation !== 'linear' ? n.args.activation : undefined;
    const activation = ACTIVATION_LAYERS.has(n.kind) ? n.kind : own;
    if (!weighted && !ACTIVATION_LAYERS.has(n.kind)) continue;
    out.push({ node: n, ...(activation ? { activation } : {}), weighted });
  }
  return out;
}
