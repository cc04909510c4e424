// The dashboard: submit jobs, watch them live, look at their results. Plain modules, no build step.

import { functionKey, onKeyNeeded, setFunctionKey, submitJob } from './api.js';
import { initDetail, rememberParent, shownJob, showJob, tick as tickDetail } from './detail.js';
import { shortId } from './format.js';
import { addSubmitted, initJobs, tick as tickJobs, watchExtra } from './jobs.js';
import { onStreamState } from './live.js';
import { subscribe, update } from './store.js';
import { initSubmit } from './submit.js';

const announcer = document.getElementById('announcer');
const live = document.getElementById('live');
const keyStatus = document.getElementById('key-status');
// The key request under way, shared by the requests refused at the same time.
let pendingKey = null;

onKeyNeeded(askForKey);
showKeyStatus();
document.getElementById('forget-key').addEventListener('click', () => {
  setFunctionKey(null);
  showKeyStatus();
});

// Status changes are read out; progress is not (it would never stop talking).
subscribe((view, previous) => {
  if (previous && previous.status !== view.status) announce(`${view.kind} job ${shortId(view.id)} ${view.status}.`);
});

onStreamState(state => {
  live.dataset.state = state;
  live.textContent = { live: '● live', reconnecting: '○ reconnecting…', idle: '' }[state];
});

initDetail(async (parent, input) => {
  const view = await submitJob('mandelbrot', input);
  rememberParent(view.id, parent);
  accepted(view);
});

await Promise.all([initSubmit(accepted).catch(error => announce(`Kinds could not be loaded: ${error.message}`)), initJobs()]);
window.addEventListener('hashchange', route);
route();
setInterval(() => {
  tickJobs();
  tickDetail();
}, 1000);
document.documentElement.dataset.ready = 'true';

/** A job the server accepted from this page: in the list, watched, and shown. */
function accepted(view) {
  update(view);
  addSubmitted(view);
  announce(`${view.kind} job ${shortId(view.id)} ${view.status}.`);
  location.hash = `job=${view.id}`;
}

function route() {
  const id = new URLSearchParams(location.hash.slice(1)).get('job');
  if (!id || id === shownJob()) return;
  // The job shown is watched too, even when it is not on the list's page.
  showJob(id).then(() => watchExtra([id]));
}

function announce(text) {
  announcer.textContent = text;
}

/** Asks for the function key once, however many requests were refused at the same time. */
function askForKey() {
  pendingKey ??= new Promise(resolve => {
    const dialog = document.getElementById('key-dialog');
    const input = document.getElementById('key-input');
    input.value = '';
    dialog.addEventListener('close', () => {
      const key = dialog.returnValue === 'ok' ? input.value.trim() : '';
      if (key) setFunctionKey(key);
      showKeyStatus();
      pendingKey = null;
      resolve(Boolean(key));
    }, { once: true });
    dialog.showModal();
  });
  return pendingKey;
}

function showKeyStatus() {
  keyStatus.hidden = !functionKey();
}
