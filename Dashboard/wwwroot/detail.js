// One job in full: status, progress, timing, input, estimate, result, and where a zoomed picture came from.

import { ApiError, cancelJob, getJob } from './api.js';
import { costText, dateTime, el, fill, percent, shortId, timing } from './format.js';
import { renderResult } from './results.js';
import { isFinished, job, subscribe, update } from './store.js';

const panel = document.getElementById('detail');
const title = document.getElementById('detail-title');
const body = document.getElementById('detail-body');
const parentsKey = 'dashboard.parents';

let current = null;
let onZoom = async () => {};
// The result is drawn once per job and status, so a picture is not fetched again on every event.
let result = { key: null, node: null };

/** zoom(parentId, input) submits the zoomed job and shows it. */
export function initDetail(zoom) {
  onZoom = zoom;
  subscribe(view => {
    if (view.id === current) render(view);
  });
}

export const shownJob = () => current;

/** Shows a job, from what the page knows at once, then as read from the server. */
export async function showJob(id, { focus = false } = {}) {
  current = id;
  panel.hidden = false;
  if (job(id)) render(job(id));
  else fill(body, el('p', {}, 'Loading…'));
  if (focus) title.focus();
  try {
    update(await getJob(id));
    if (current === id) render(job(id));
  } catch (error) {
    if (current !== id) return;
    fill(title, `Job ${shortId(id)}`);
    fill(body, el('p', { class: 'error', role: 'alert' }, error instanceof ApiError && error.status === 404 ? 'There is no such job (it may have been purged).' : error.message));
  }
}

/** Remembers, for this tab, which job a zoomed job was made from. */
export function rememberParent(child, parent) {
  const parents = JSON.parse(sessionStorage.getItem(parentsKey) ?? '{}');
  parents[child] = parent;
  sessionStorage.setItem(parentsKey, JSON.stringify(parents));
}

const parentOf = id => JSON.parse(sessionStorage.getItem(parentsKey) ?? '{}')[id];

export function tick() {
  const view = current && job(current);
  if (view && !isFinished(view.status)) fill(body.querySelector('.timing'), timing(view).text);
}

function render(view) {
  const focused = body.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  fill(title, `${view.kind} job ${shortId(view.id)}`);
  const parent = parentOf(view.id);
  const key = `${view.id}:${view.status}`;
  if (result.key !== key) result = { key, node: renderResult(view, { zoom: input => onZoom(view.id, input) }) };
  fill(body,
    parent ? el('p', {}, el('a', { href: `#job=${parent}`, class: 'back', dataset: { action: 'parent' } }, `← Back to the parent job ${shortId(parent)}`)) : null,
    el('p', { class: 'status-line' },
      el('span', { class: `badge badge-${view.status}`, dataset: { role: 'status' } }, view.status), ' ',
      el('span', { class: 'timing' }, timing(view).text)),
    el('progress', { max: 1, value: view.progress ?? 0, 'aria-label': 'Progress', title: percent(view.progress) }, percent(view.progress)),
    el('p', { class: 'chunks' }, view.chunksTotal > 0 ? `${view.chunksDone} of ${view.chunksTotal} chunks done (${percent(view.progress)})` : percent(view.progress)),
    isFinished(view.status) ? null : el('button', { type: 'button', class: 'cancel', dataset: { action: 'cancel' }, onclick: event => cancel(view.id, event.currentTarget) }, 'Cancel job'),
    result.node,
    el('h3', {}, 'Details'),
    el('dl', { class: 'facts' },
      fact('Id', el('code', {}, view.id)),
      fact('Created', dateTime(view.createdAt)),
      fact('Started', dateTime(view.startedAt)),
      fact('Finished', dateTime(view.completedAt)),
      view.input ? fact('Input', inputList(view.input)) : null,
      view.estimate ? fact('Estimate', costText(view.estimate)) : null,
      view.callback ? fact('Callback', callbackText(view.callback)) : null));
  if (focused) (body.querySelector(`[data-action="${focused}"]`) ?? title).focus();
}

/** The callback's URL and how its delivery went: pending, delivered (when, status code) or failed (why, attempts). */
function callbackText({ url, events, delivery }) {
  const state = !delivery ? `on ${events.join(', ')}`
    : delivery.state === 'delivered' ? `delivered ${dateTime(delivery.deliveredAt)} (${delivery.statusCode})`
    : delivery.state === 'failed' ? `failed after ${delivery.attempts} attempts: ${delivery.lastError}`
    : `pending${delivery.attempts ? `, ${delivery.attempts} attempts, last: ${delivery.lastError}` : ''}`;
  return el('span', { dataset: { role: 'callback' } }, el('code', {}, url), ' ', state);
}

const fact = (name, value) => [el('dt', {}, name), el('dd', {}, value)];

function inputList(input) {
  const entries = Object.entries(input);
  if (entries.length === 0) return 'defaults';
  return el('ul', { class: 'plain' }, entries.map(([name, value]) => el('li', {}, el('code', {}, name), ' ', JSON.stringify(value))));
}

async function cancel(id, button) {
  button.disabled = true;
  try {
    update(await cancelJob(id));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) {
      button.after(el('p', { class: 'error', role: 'alert' }, `The job could not be canceled: ${error.message}`));
    }
    button.disabled = false;
  }
}
