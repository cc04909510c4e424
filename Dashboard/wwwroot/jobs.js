// The jobs list: a page of the listing (newest first, by status), each job live through the shared event stream.

import { ApiError, cancelJob, listJobs } from './api.js';
import { el, fill, percent, shortId, timing } from './format.js';
import { watch } from './live.js';
import { summary } from './results.js';
import { isFinished, job, subscribe, update } from './store.js';

const pageSize = 20;
const list = document.getElementById('job-list');
const empty = document.getElementById('list-empty');
const listError = document.getElementById('list-error');
const filter = document.getElementById('status-filter');
const newer = document.getElementById('newer');
const older = document.getElementById('older');

// Continuation tokens of the pages seen so far: tokens[0] is the first page (no token).
let tokens = [null];
let page = 0;
let nextToken = null;
let ids = [];
let extra = [];

export function initJobs() {
  filter.addEventListener('change', () => {
    tokens = [null];
    page = 0;
    load();
  });
  document.getElementById('refresh').addEventListener('click', () => load());
  newer.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    load();
  });
  older.addEventListener('click', () => {
    if (!nextToken) return;
    tokens[page + 1] = nextToken;
    page += 1;
    load();
  });
  list.addEventListener('click', event => {
    const button = event.target.closest('button[data-action="cancel"]');
    if (button) cancel(button.closest('li').dataset.id, button);
  });
  subscribe(view => {
    const row = list.querySelector(`li[data-id="${view.id}"]`);
    if (row) fillRow(row, view);
  });
  return load();
}

/** Reads the current page again; its unfinished jobs are then watched. */
export async function load() {
  try {
    const answer = await listJobs({ status: filter.value, continuationToken: tokens[page], top: pageSize });
    ids = answer.jobs.map(view => update(view).id);
    nextToken = answer.continuationToken ?? null;
    showError(null);
  } catch (error) {
    showError(`Jobs could not be listed: ${error.message}`);
  }
  render();
}

/** A job submitted from this page: shown at the top of the first page when the filter lets it in. */
export function addSubmitted(view) {
  if (page !== 0 || (filter.value && filter.value !== view.status)) return;
  ids = [view.id, ...ids.filter(id => id !== view.id)].slice(0, pageSize);
  render();
}

/** Jobs outside the list that should be watched as well (the one shown in detail). */
export function watchExtra(more) {
  extra = more;
  watchUnfinished();
}

/** Refreshes the clocks of the jobs still going. */
export function tick() {
  for (const row of list.children) {
    const view = job(row.dataset.id);
    if (view && !isFinished(view.status)) fill(row.querySelector('.timing'), timing(view).text);
  }
}

function render() {
  fill(list, ids.map(id => fillRow(el('li', { class: 'job', dataset: { id } }), job(id))));
  empty.hidden = ids.length > 0;
  newer.disabled = page === 0;
  older.disabled = !nextToken;
  watchUnfinished();
}

function watchUnfinished() {
  const going = [...ids, ...extra].filter(id => job(id) && !isFinished(job(id).status));
  watch(going.slice(0, 100));
}

function fillRow(row, view) {
  const name = `${view.kind} job ${shortId(view.id)}`;
  const focused = row.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  row.className = `job status-${view.status}`;
  const chunks = view.chunksTotal > 0 ? `${view.chunksDone}/${view.chunksTotal} chunks · ${percent(view.progress)}` : percent(view.progress);
  fill(row,
    el('div', { class: 'job-head' },
      el('a', { href: `#job=${view.id}`, class: 'job-link', dataset: { action: 'open' } }, el('span', { class: 'kind' }, view.kind), ' ', el('code', {}, shortId(view.id))),
      el('span', { class: `badge badge-${view.status}`, dataset: { role: 'status' } }, view.status)),
    el('progress', { max: 1, value: view.progress ?? 0, 'aria-label': `${name} progress`, title: percent(view.progress) }, percent(view.progress)),
    el('div', { class: 'job-meta' },
      el('span', { class: 'chunks' }, chunks),
      el('span', { class: 'timing' }, timing(view).text)),
    isFinished(view.status) ? el('div', { class: 'summary' }, summary(view)) : null,
    isFinished(view.status) ? null : el('button', { type: 'button', class: 'cancel', dataset: { action: 'cancel' } },
      'Cancel', el('span', { class: 'visually-hidden' }, ` ${name}`)));
  // Keep the keyboard where it was; a button that went away (the job finished) hands focus to the job's link.
  if (focused) (row.querySelector(`[data-action="${focused}"]`) ?? row.querySelector('[data-action="open"]'))?.focus();
  return row;
}

async function cancel(id, button) {
  button.disabled = true;
  try {
    update(await cancelJob(id));
  } catch (error) {
    // 409: it finished first; the stream brings its final state.
    if (!(error instanceof ApiError && error.status === 409)) showError(`The job could not be canceled: ${error.message}`);
    button.disabled = false;
  }
}

function showError(message) {
  fill(listError, message ?? '');
  listError.hidden = !message;
}
