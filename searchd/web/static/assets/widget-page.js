// The embeddable trending widget (/widget/trending): a keyword opens the
// search page in a new tab, since the widget usually sits in another site.
import { renderTrending, startTrending } from './trending.js';

const el = document.getElementById('trending');
const size = Math.min(20, Math.max(1, Number.parseInt(new URLSearchParams(location.search).get('size') || '10', 10) || 10));
startTrending((snap, error) => renderTrending(el, snap, {
  link: (k) => `/?q=${encodeURIComponent(k)}`,
  error,
}), { size });
