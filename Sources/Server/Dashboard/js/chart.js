// A small line chart on a canvas: bucket starts along x, one or more series, the previous
// period dashed. Hand-drawn to keep the dashboard free of a build step and of vendored code.

import { formatLocal } from './time.js';

const STYLES = {
  in: { colour: '#1d4ed8', dash: [] },
  out: { colour: '#c2410c', dash: [] },
  previous: { colour: '#64748b', dash: [6, 4] },
};

/** A y-axis step that gives about five round ticks up to `max`. */
export function niceStep(max) {
  if (max <= 5) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Draws `data` (`{starts, series}` from chartSeries) on `canvas`. */
export function drawChart(canvas, data, { withDate = false } = {}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 260;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const margin = { left: 48, right: 24, top: 12, bottom: 28 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const count = data.starts.length;
  const max = Math.max(1, ...data.series.flatMap((series) => series.values));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const x = (i) => margin.left + (count <= 1 ? plotWidth / 2 : (i / (count - 1)) * plotWidth);
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

  context.font = '12px system-ui, sans-serif';
  context.fillStyle = '#475569';
  context.strokeStyle = '#e2e8f0';
  context.lineWidth = 1;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (let v = 0; v <= top; v += step) {
    context.beginPath();
    context.moveTo(margin.left, y(v));
    context.lineTo(width - margin.right, y(v));
    context.stroke();
    context.fillText(String(v), margin.left - 6, y(v));
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  const labels = Math.max(2, Math.floor(plotWidth / 110));
  for (let k = 0; k < labels && count > 0; k += 1) {
    const i = Math.round((k / (labels - 1)) * (count - 1));
    // The first and last labels lean inwards so that neither is cut off at the edge.
    context.textAlign = k === 0 ? 'left' : k === labels - 1 ? 'right' : 'center';
    context.fillText(formatLocal(data.starts[i], { seconds: false, withDate }), x(i), height - margin.bottom + 8);
  }
  for (const series of data.series) {
    const style = STYLES[series.style] ?? STYLES.in;
    context.strokeStyle = style.colour;
    context.setLineDash(style.dash);
    context.lineWidth = 2;
    context.beginPath();
    series.values.forEach((v, i) => (i === 0 ? context.moveTo(x(i), y(v)) : context.lineTo(x(i), y(v))));
    context.stroke();
  }
  context.setLineDash([]);
}

/** Legend entries for `data`: `[{name, colour, dashed}]`. */
export function legendFor(data) {
  return data.series.map((series) => {
    const style = STYLES[series.style] ?? STYLES.in;
    return { name: series.name, colour: style.colour, dashed: style.dash.length > 0 };
  });
}
