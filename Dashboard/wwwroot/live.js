// One event stream for every job the page shows that may still change: a browser opens at most six connections to a
// host over HTTP/1.1, so one stream per job would stall the page with a few jobs running.

import { eventsUrl } from './api.js';
import { isFinished, update } from './store.js';

const reopenDelay = 2000;

let source = null;
let streamed = new Set();
let wanted = new Set();
let timer = null;
let onState = () => {};

/** Calls show(state) with 'live', 'reconnecting' or 'idle' as the stream changes. */
export function onStreamState(show) {
  onState = show;
}

/** Watches these jobs (finished ones drop out); the stream is reopened only when a job it does not carry is added. */
export function watch(ids) {
  wanted = new Set(ids);
  schedule(0);
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(open, delay);
}

function open() {
  const ids = [...wanted].sort();
  if (source && source.readyState !== EventSource.CLOSED && ids.every(id => streamed.has(id))) return;
  close();
  if (ids.length === 0) {
    onState('idle');
    return;
  }
  streamed = new Set(ids);
  const stream = new EventSource(eventsUrl(ids));
  source = stream;
  stream.addEventListener('open', () => onState('live'));
  stream.addEventListener('job', event => update(JSON.parse(event.data)));
  stream.addEventListener('done', event => {
    const view = update(JSON.parse(event.data));
    if (isFinished(view.status)) wanted.delete(view.id);
  });
  stream.addEventListener('missing', event => wanted.delete(JSON.parse(event.data).id));
  stream.addEventListener('end', () => {
    // Every job of this stream is over; the browser would otherwise reconnect.
    if (source === stream) close();
    if (wanted.size > 0) schedule(0);
    else onState('idle');
  });
  stream.addEventListener('error', () => {
    if (source !== stream) return;
    if (stream.readyState === EventSource.CONNECTING) {
      // The server ended the stream (its time is up) or the network dropped it: the browser reconnects by itself and
      // sends Last-Event-ID, so the server sends only what this page has not seen.
      onState('reconnecting');
      return;
    }
    // Refused (401, 503, …): the browser gives up; try again a little later.
    close();
    onState('reconnecting');
    schedule(reopenDelay);
  });
}

function close() {
  source?.close();
  source = null;
  streamed = new Set();
}
