// Results as people read them: π(n) for primes, the hash and its zero bits for hashsearch, the picture for mandelbrot.

import { withKey } from './api.js';
import { el } from './format.js';

/** One line for the list. */
export function summary(view) {
  const result = view.result ?? {};
  if (view.status === 'failed') return `failed: ${view.error?.message ?? 'no reason given'}`;
  if (view.status !== 'succeeded') return view.status;
  switch (view.kind) {
    case 'primes': return `${result.count} primes`;
    case 'hashsearch': return result.found ? `nonce ${result.nonce}, ${result.leadingZeroBits} zero bits` : 'no nonce found';
    case 'mandelbrot': return `${result.width}×${result.height} image`;
    default: return 'succeeded';
  }
}

/** The full result of a finished job; zoom(input) submits a new mandelbrot job. */
export function renderResult(view, { zoom }) {
  if (view.status === 'failed') {
    return el('p', { class: 'error' }, `Failed (${view.error?.code ?? 'error'}): ${view.error?.message ?? ''}`);
  }
  if (view.status === 'canceled') return el('p', {}, 'Canceled before it finished.');
  if (view.status !== 'succeeded') return null;
  switch (view.kind) {
    case 'primes': return primes(view);
    case 'hashsearch': return hashSearch(view.result);
    case 'mandelbrot': return mandelbrot(view, zoom);
    default: return el('pre', { class: 'json' }, JSON.stringify(view.result, null, 2));
  }
}

function primes(view) {
  const limit = view.input?.limit;
  const exponent = typeof limit === 'number' ? powerOfTen(limit) : null;
  const argument = exponent !== null ? ['10', el('sup', {}, String(exponent))] : [limit === undefined ? 'n' : String(limit)];
  return el('div', { class: 'result result-primes' },
    el('p', { class: 'formula' }, 'π(', ...argument, ') = ', el('output', { class: 'count' }, String(view.result.count))),
    el('p', { class: 'hint' }, limit === undefined
      ? 'primes up to the limit.'
      : `There are ${view.result.count} primes less than or equal to ${limit}.`));
}

function powerOfTen(n) {
  if (n < 10 || !Number.isSafeInteger(n)) return null;
  let exponent = 0;
  for (let rest = n; rest > 1; rest /= 10) {
    if (rest % 10 !== 0) return null;
    exponent++;
  }
  return exponent;
}

function hashSearch(result) {
  if (!result.found) {
    return el('p', { class: 'result' }, `No nonce found among ${result.noncesSearched} (difficulty ${result.difficulty}).`);
  }
  const zeros = result.leadingZeroBits;
  const hex = result.hash;
  const zeroDigits = Math.floor(zeros / 4);
  // The first bytes in binary, far enough to show the zero bits and the one that ends them.
  const bytes = Math.min(hex.length / 2, Math.floor(zeros / 8) + 1);
  const bits = [...hex.slice(0, bytes * 2)].map(d => parseInt(d, 16).toString(2).padStart(4, '0')).join('');
  return el('div', { class: 'result result-hash' },
    el('dl', {},
      el('dt', {}, 'Nonce'), el('dd', {}, el('output', { class: 'nonce' }, String(result.nonce))),
      el('dt', {}, 'SHA-256'), el('dd', {}, el('code', { class: 'hash' }, el('mark', {}, hex.slice(0, zeroDigits)), hex.slice(zeroDigits))),
      el('dt', {}, 'Leading bits'), el('dd', {}, el('code', { class: 'bits' }, el('mark', {}, bits.slice(0, zeros)), bits.slice(zeros), '…')),
      el('dt', {}, 'Zero bits'), el('dd', {}, `${zeros} (difficulty ${result.difficulty})`)));
}

function mandelbrot(view, zoom) {
  const r = view.result;
  const image = el('img', {
    src: withKey(view.resultUrl),
    width: r.width,
    height: r.height,
    alt: `The Mandelbrot set around ${r.centerX} ${r.centerY >= 0 ? '+' : '−'} ${Math.abs(r.centerY)}i, ${r.scale} wide`,
  });
  const note = el('p', { class: 'error', role: 'alert', hidden: true });
  const button = el('button', { type: 'button', class: 'zoom', 'aria-describedby': `zoom-help-${view.id}` }, image);
  button.addEventListener('click', async event => {
    // A keyboard press is a click with no pointer position (detail 0): zoom at the centre.
    const box = image.getBoundingClientRect();
    const x = event.detail === 0 ? r.width / 2 : (event.clientX - box.left) / box.width * r.width;
    const y = event.detail === 0 ? r.height / 2 : (event.clientY - box.top) / box.height * r.height;
    const pixel = r.scale / r.width;
    button.disabled = true;
    try {
      await zoom({
        centerX: r.centerX + (x - r.width / 2) * pixel,
        centerY: r.centerY - (y - r.height / 2) * pixel,
        scale: r.scale / 4,
        width: r.width,
        height: r.height,
        maxIterations: r.maxIterations,
      });
    } catch (error) {
      note.hidden = false;
      note.textContent = `Could not zoom in: ${error.message}`;
      button.disabled = false;
    }
  });
  return el('figure', { class: 'result result-mandelbrot' },
    button,
    el('figcaption', { id: `zoom-help-${view.id}` },
      `${r.width}×${r.height} pixels, centre ${r.centerX}, ${r.centerY}, width ${r.scale}, ${r.maxIterations} iterations. `,
      'Click the picture to zoom in 4× centred on that point (Enter zooms in at the centre).'),
    note);
}
