// The theme's colours for drawings of the webviews (the training chart, the compare view): VS
// Code's CSS variables resolved to colours a canvas or an SVG attribute takes. Read again when the
// theme changes (the page watches body's class and the root's style).

import type { Palette } from './series';
import { parseColor, rgba, mix, type Rgb } from './images';

export function themePalette(): { palette: Palette; rgbOf: (css: string) => Rgb } {
  const style = getComputedStyle(document.documentElement);
  const probe = document.createElement('canvas').getContext('2d')!;
  /** a CSS variable resolved to a colour the canvas understands ('#rrggbb' or 'rgba(...)') */
  const v = (name: string, fallback: string): string => {
    const raw = style.getPropertyValue(name).trim();
    probe.fillStyle = fallback;
    if (raw) probe.fillStyle = raw;
    return String(probe.fillStyle);
  };
  const rgbOf = (css: string): Rgb => parseColor(css) ?? [128, 128, 128];
  const background = v('--vscode-editor-background', document.body.classList.contains('vscode-light') ? '#ffffff' : '#1e1e1e');
  const foreground = v('--vscode-foreground', document.body.classList.contains('vscode-light') ? '#616161' : '#cccccc');
  const series = [
    v('--vscode-charts-blue', '#3794ff'),
    v('--vscode-charts-orange', '#d18616'),
    v('--vscode-charts-green', '#89d185'),
    v('--vscode-charts-purple', '#b180d7'),
    v('--vscode-charts-red', '#f14c4c'),
    v('--vscode-charts-yellow', '#cca700'),
    '#4ec9b0',
    '#d16d9e',
    '#7f8c8d',
    '#c586c0',
  ];
  const palette: Palette = {
    train: series[0],
    val: series[1],
    lr: series[3],
    series,
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: rgba(mix(rgbOf(background), rgbOf(foreground), 0.16), 1),
    background,
  };
  return { palette, rgbOf };
}
