// Draws the line and zone editor on a canvas over the camera's picture.

import { inArrow } from './geometry-editor.js';

const COLOURS = { line: '#2563eb', lineSelected: '#f59e0b', zone: 'rgba(124, 58, 237, 0.9)', zoneFill: 'rgba(124, 58, 237, 0.18)', draft: '#10b981' };

/** Scales between the canvas's CSS pixels and the picture's pixels. */
export function viewTransform(canvas, state) {
  const rect = canvas.getBoundingClientRect();
  const scale = rect.width / state.width || 1;
  return {
    scale,
    toPicture: (clientX, clientY) => [(clientX - rect.left) / scale, (clientY - rect.top) / scale],
  };
}

/** Draws `state` over `image` (or a plain grid when there is no picture yet). */
export function drawEditor(canvas, state, image) {
  const ratio = window.devicePixelRatio || 1;
  // As wide as there is room for, but never taller than the window, so the whole picture can be drawn on.
  const available = canvas.parentElement?.clientWidth || state.width;
  const tallest = Math.max(240, window.innerHeight - 160);
  const cssWidth = Math.floor(Math.min(available, (tallest * state.width) / state.height));
  const cssHeight = (cssWidth * state.height) / state.width;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  if (canvas.width !== Math.round(cssWidth * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
  }
  const context = canvas.getContext('2d');
  const scale = (cssWidth * ratio) / state.width;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (image && image.complete && image.naturalWidth > 0) {
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
  } else {
    context.fillStyle = '#1e293b';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.strokeStyle = 'rgba(255,255,255,0.08)';
    for (let x = 0; x < canvas.width; x += 40 * ratio) {
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, canvas.height);
      context.stroke();
    }
  }
  context.setTransform(scale, 0, 0, scale, 0, 0);
  const px = 1 / scale * ratio;

  state.zones.forEach((zone, index) => {
    const selected = state.selected?.kind === 'zone' && state.selected.index === index;
    polygonPath(context, zone.polygon);
    context.fillStyle = COLOURS.zoneFill;
    context.fill();
    context.lineWidth = (selected ? 3 : 2) * px;
    context.strokeStyle = selected ? COLOURS.lineSelected : COLOURS.zone;
    context.stroke();
    zone.polygon.forEach((p) => handle(context, p, px, selected));
    label(context, zone.name, zone.polygon[0], px);
  });

  state.lines.forEach((line, index) => {
    const selected = state.selected?.kind === 'line' && state.selected.index === index;
    const colour = selected ? COLOURS.lineSelected : COLOURS.line;
    context.lineWidth = (selected ? 4 : 3) * px;
    context.strokeStyle = colour;
    context.beginPath();
    context.moveTo(...line.a);
    context.lineTo(...line.b);
    context.stroke();
    arrow(context, inArrow(line, 34 * px), colour, px);
    handle(context, line.a, px, selected, 'A');
    handle(context, line.b, px, selected, 'B');
    label(context, line.name, [(line.a[0] + line.b[0]) / 2, (line.a[1] + line.b[1]) / 2], px);
  });

  if (state.draft?.kind === 'line') {
    context.setLineDash([6 * px, 4 * px]);
    context.lineWidth = 3 * px;
    context.strokeStyle = COLOURS.draft;
    context.beginPath();
    context.moveTo(...state.draft.a);
    context.lineTo(...state.draft.b);
    context.stroke();
    context.setLineDash([]);
    handle(context, state.draft.a, px, true);
  } else if (state.draft?.kind === 'zone') {
    const points = state.draft.hover ? [...state.draft.points, state.draft.hover] : state.draft.points;
    context.setLineDash([6 * px, 4 * px]);
    context.lineWidth = 2 * px;
    context.strokeStyle = COLOURS.draft;
    context.beginPath();
    points.forEach((p, i) => (i === 0 ? context.moveTo(...p) : context.lineTo(...p)));
    context.stroke();
    context.setLineDash([]);
    state.draft.points.forEach((p) => handle(context, p, px, true));
  }
}

function polygonPath(context, polygon) {
  context.beginPath();
  polygon.forEach((p, i) => (i === 0 ? context.moveTo(...p) : context.lineTo(...p)));
  context.closePath();
}

function handle(context, p, px, selected, text = null) {
  context.beginPath();
  context.arc(p[0], p[1], (selected ? 7 : 5) * px, 0, Math.PI * 2);
  context.fillStyle = '#ffffff';
  context.fill();
  context.lineWidth = 2 * px;
  context.strokeStyle = selected ? COLOURS.lineSelected : '#0f172a';
  context.stroke();
  if (text) {
    context.fillStyle = '#0f172a';
    context.font = `${10 * px}px system-ui, sans-serif`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(text, p[0], p[1] + 0.5 * px);
  }
}

function arrow(context, { from, to }, colour, px) {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const head = 10 * px;
  context.lineWidth = 3 * px;
  context.strokeStyle = colour;
  context.beginPath();
  context.moveTo(...from);
  context.lineTo(...to);
  context.stroke();
  context.beginPath();
  context.moveTo(...to);
  context.lineTo(to[0] - head * Math.cos(angle - 0.5), to[1] - head * Math.sin(angle - 0.5));
  context.lineTo(to[0] - head * Math.cos(angle + 0.5), to[1] - head * Math.sin(angle + 0.5));
  context.closePath();
  context.fillStyle = colour;
  context.fill();
  context.font = `bold ${11 * px}px system-ui, sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText('IN', to[0] + Math.cos(angle) * 12 * px, to[1] + Math.sin(angle) * 12 * px);
}

function label(context, text, p, px) {
  context.font = `${13 * px}px system-ui, sans-serif`;
  context.textAlign = 'left';
  context.textBaseline = 'bottom';
  const width = context.measureText(text).width;
  context.fillStyle = 'rgba(15, 23, 42, 0.75)';
  context.fillRect(p[0] + 8 * px, p[1] - 20 * px, width + 8 * px, 18 * px);
  context.fillStyle = '#ffffff';
  context.fillText(text, p[0] + 12 * px, p[1] - 4 * px);
}
