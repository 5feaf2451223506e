// A line chart of counts over time as SVG (pure: points → SVG element).
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text != null) el.textContent = text;
  return el;
}

// niceMax rounds a maximum up to 1, 2 or 5 × 10^n.
export function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v);
}

// volumeChart draws points [{time, count}] with axes; label names it.
export function volumeChart(points, { label, width = 720, height = 240, format = (t) => t } = {}) {
  const pad = { l: 44, r: 12, t: 12, b: 28 };
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const max = niceMax(Math.max(0, ...points.map((p) => p.count)));
  const x = (i) => pad.l + (points.length <= 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (c) => pad.t + hgt - (c / max) * hgt;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' });
  svg.append(s('title', {}, label));
  // Integer gridlines: 5, 4 or 2 steps, whichever divides the maximum.
  const steps = [5, 4, 2, 1].find((n) => Number.isInteger(max / n));
  for (let i = 0; i <= steps; i++) {
    const v = (max * i) / steps;
    svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, Number.isInteger(v) ? v : v.toFixed(1)));
  }
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % every === 0) svg.append(s('text', { x: x(i), y: height - 8, 'text-anchor': 'middle', class: 'axis' }, format(p.time)));
  });
  if (points.length) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.count).toFixed(1)}`).join(' ');
    svg.append(s('path', { d: `${d} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z`, class: 'area' }));
    svg.append(s('path', { d, class: 'line' }));
    points.forEach((p, i) => {
      const dot = s('circle', { cx: x(i), cy: y(p.count), r: 3, class: 'dot' });
      dot.append(s('title', {}, `${format(p.time)}: ${p.count}`));
      svg.append(dot);
    });
  }
  return svg;
}
