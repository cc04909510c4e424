// What the page knows of each job, from any source (listing, a read, the event stream), kept moving only forward.

const rank = { queued: 0, running: 1, succeeded: 2, failed: 2, canceled: 2 };

export const isFinished = status => rank[status] === 2;

const jobs = new Map();
const listeners = new Set();

export function job(id) {
  return jobs.get(id);
}

/** Calls listener(view, previous) on every change of a job. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Takes a view of a job when it is news: a later status, or the same status with more chunks done. A listing read
 * before an event arrived cannot move the page back. Fields a view leaves out (a listing has no input) are kept.
 */
export function update(view) {
  const previous = jobs.get(view.id);
  if (previous && !isNews(previous, view)) {
    if (previous.input === undefined && view.input !== undefined) jobs.set(view.id, { ...jobs.get(view.id), input: view.input });
    // A callback's delivery goes on after its job ends: a view that shows it further along is news for it alone.
    if (isCallbackNews(previous.callback, view.callback)) {
      const moved = { ...jobs.get(view.id), callback: view.callback };
      jobs.set(view.id, moved);
      for (const listener of listeners) listener(moved, previous);
    }
    return jobs.get(view.id);
  }
  const merged = { ...previous, ...view };
  if (view.input === undefined && previous?.input !== undefined) merged.input = previous.input;
  jobs.set(view.id, merged);
  for (const listener of listeners) listener(merged, previous);
  return merged;
}

function isNews(known, seen) {
  const a = rank[known.status] ?? 0;
  const b = rank[seen.status] ?? 0;
  if (b !== a) return b > a;
  if (a === 2) return false;
  return (seen.chunksDone ?? 0) > (known.chunksDone ?? 0) || (seen.chunksTotal ?? 0) !== (known.chunksTotal ?? 0);
}

const deliveryRank = { pending: 0, delivered: 1, failed: 1 };

function isCallbackNews(known, seen) {
  if (!seen?.delivery) return seen !== undefined && known === undefined;
  if (!known?.delivery) return true;
  return deliveryRank[seen.delivery.state] > deliveryRank[known.delivery.state]
    || (seen.delivery.state === known.delivery.state && seen.delivery.attempts > known.delivery.attempts);
}
