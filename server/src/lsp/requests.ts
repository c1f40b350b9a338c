// Requests of the nn extension beyond LSP (client <-> server), typed once for both sides.

import type { ModelSummary } from '../core/summary';
import type { Diagram } from '../core/diagram';

/** `nn/summary`: the per-layer summary of a model. */
export const SummaryRequest = 'nn/summary';
export interface SummaryParams {
  uri: string;
  model: string;
}
export interface SummaryResult {
  summary: Omit<ModelSummary, 'rows'> & { rows: Omit<ModelSummary['rows'][number], 'node'>[] };
  /** the same as a text table */
  text: string;
}

/** `nn/trainBlocks`: every train block of the workspace, for tasks and the Train command. */
export const TrainBlocksRequest = 'nn/trainBlocks';
export interface TrainBlock {
  uri: string;
  file: string;
  name: string;
  model?: string;
  data?: string;
  /** the block checks without errors */
  ok: boolean;
}
export interface TrainBlocksResult {
  trains: TrainBlock[];
}

/**
 * `nn/trust` (notification, client -> server): the workspace's trust changed. An untrusted
 * workspace (`initializationOptions.trusted: false`) reads no import or data file outside its
 * folders; trusting it lifts that. Clients that say nothing are trusted.
 */
export const TrustNotification = 'nn/trust';
export interface TrustParams {
  trusted: boolean;
}

/**
 * `nn/graph`: a model as a picture's description (core/diagram.ts), errors in the server's
 * locale; null when the document has no such model.
 */
export const GraphRequest = 'nn/graph';
export interface GraphParams {
  uri: string;
  model: string;
}
export interface GraphResult {
  diagram: Diagram;
}
