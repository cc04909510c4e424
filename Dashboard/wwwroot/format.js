// Small helpers: building elements (text only, never HTML from data), and times as people read them.

/** An element with attributes/properties and children (strings become text nodes). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of node. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** 0:07, 12:03, 1:02:03. */
export function duration(milliseconds) {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export const shortId = id => id.slice(0, 8);

export const percent = progress => `${Math.floor((progress ?? 0) * 100)}%`;

/**
 * Elapsed time and an estimate of the time left, from the job's own timestamps: running time so far, and the same
 * pace for the chunks that remain.
 */
export function timing(view, now = Date.now()) {
  const created = Date.parse(view.createdAt);
  const started = view.startedAt ? Date.parse(view.startedAt) : null;
  const completed = view.completedAt ? Date.parse(view.completedAt) : null;
  if (view.status === 'queued') return { text: `queued ${duration(now - created)}` };
  const elapsed = (completed ?? now) - (started ?? created);
  if (completed) return { text: `took ${duration(elapsed)}` };
  const progress = view.progress ?? 0;
  if (progress <= 0) return { text: `${duration(elapsed)} elapsed` };
  const left = elapsed * (1 - progress) / progress;
  return { text: `${duration(elapsed)} elapsed, about ${duration(left)} left` };
}

export const dateTime = iso => (iso ? new Date(iso).toLocaleString() : '–');

/** A job's estimate as people read it: "About 12 core-seconds, at most 30, in 4 ranges (limit per job: 1,800)." */
export function costText(estimate) {
  const seconds = value => Number(value.toPrecision(value < 10 ? 2 : 3)).toLocaleString();
  const most = estimate.worstCoreSeconds > estimate.coreSeconds * 1.05 ? `, at most ${seconds(estimate.worstCoreSeconds)},` : '';
  const ranges = estimate.ranges === 1 ? '1 range' : `${estimate.ranges.toLocaleString()} ranges`;
  return `About ${seconds(estimate.coreSeconds)} core-seconds${most} in ${ranges} (limit per job: ${seconds(estimate.budgetCoreSeconds)}).`;
}
