// What a `layers` event (layer_stats) says is wrong inside the network, as `warning` events with
// the curriculum's advice and a stable code (core/diagnostics.ts NN430-NN433). Pure: both
// engines' events go through it (the torch engine's as the Node side reads them), so one rule
// decides for both. Each problem is told once per layer and fold, when first seen.

import { render } from '../../core/messages';
import type { Code } from '../../core/diagnostics';
import type { TrainEvent } from './protocol';

type LayersEvent = Extract<TrainEvent, { type: 'layers' }>;
type WarningEvent = Extract<TrainEvent, { type: 'warning' }>;

/** Vanishing: the first weighted layer's gradient norm under this share of the last one's (three orders of magnitude). */
export const VANISHING_RATIO = 1e-3;
/** Exploding: a layer's gradient norm this many times its first measured value. */
export const EXPLODING_GROWTH = 1000;
/** Exploding: one step changed a layer's weights by at least their own norm. */
export const EXPLODING_UPDATE = 1;
/** Dead: at least this share of a ReLU layer's units are zero on the whole probe batch. */
export const DEAD_SHARE = 0.5;
/** Saturated: more than this share of a sigmoid or tanh layer's outputs are at its limits. */
export const SATURATED_SHARE = 0.5;

/** Three significant digits, in exponent form when small or large: 0.0123, 4.56e-7. */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

export class LayerWarnings {
  /** each layer's first measured gradient norm */
  private readonly firstGrad = new Map<string, number>();
  private readonly told = new Set<string>();

  /** The warnings this event adds (none when nothing is wrong, or when each was told already). */
  check(e: LayersEvent): WarningEvent[] {
    const out: WarningEvent[] = [];
    const warn = <A extends Record<string, string | number>>(code: Code, layer: string, id: 'vanishingGradients' | 'explodingGradients' | 'deadReluUnits' | 'saturatedActivations', args: A) => {
      const key = `${code}:${layer}`;
      if (this.told.has(key)) return;
      this.told.add(key);
      const message = render({ id, args }, 'en');
      out.push({ type: 'warning', code, epoch: e.epoch, layer, message, id, args, ...(e.fold ? { fold: e.fold } : {}) });
    };
    const weighted = e.layers.filter((l) => l.weights);
    for (const l of weighted) {
      const g = l.weights!.gradNorm;
      const first = this.firstGrad.get(l.name);
      if (first === undefined && Number.isFinite(g)) this.firstGrad.set(l.name, g);
      if (!Number.isFinite(g)) warn('NN431', l.name, 'explodingGradients', { layer: l.name, gradNorm: fmt(g), why: 'not_finite', factor: '' });
      else if (first !== undefined && first > 0 && g >= EXPLODING_GROWTH * first) warn('NN431', l.name, 'explodingGradients', { layer: l.name, gradNorm: fmt(g), why: 'grew', factor: fmt(g / first) });
      else if (l.weights!.updateRatio >= EXPLODING_UPDATE) warn('NN431', l.name, 'explodingGradients', { layer: l.name, gradNorm: fmt(g), why: 'update', factor: fmt(l.weights!.updateRatio) });
    }
    if (weighted.length >= 3) {
      const first = weighted[0];
      const last = weighted[weighted.length - 1];
      const a = first.weights!.gradNorm;
      const b = last.weights!.gradNorm;
      if (Number.isFinite(a) && Number.isFinite(b) && a > 0 && a < VANISHING_RATIO * b) {
        const orders = Math.floor(Math.log10(b / a));
        warn('NN430', first.name, 'vanishingGradients', { first: first.name, last: last.name, firstNorm: fmt(a), lastNorm: fmt(b), orders });
      }
    }
    for (const l of e.layers) {
      const act = l.activations;
      if (act.dead !== undefined && act.dead >= DEAD_SHARE) {
        warn('NN432', l.name, 'deadReluUnits', { layer: l.name, dead: Math.round(act.dead * act.units), units: act.units, activation: l.activation ?? 'relu' });
      }
      if (act.saturated !== undefined && act.saturated > SATURATED_SHARE) {
        warn('NN433', l.name, 'saturatedActivations', { layer: l.name, activation: l.activation ?? '', percent: Math.round(act.saturated * 100) });
      }
    }
    return out;
  }
}
