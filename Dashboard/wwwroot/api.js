// The jobs API as the page calls it: JSON in and out, problem+json as ApiError, and the function key Azure wants.

const keyName = 'dashboard.functionKey';

/** A refused request: the HTTP status and the problem+json body (title, detail, field) when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem ?? null;
  }
}

let askForKey = async () => false;

/** Sets what the page does when an endpoint answers 401: ask for a key, answer whether one was given. */
export function onKeyNeeded(ask) {
  askForKey = ask;
}

export function functionKey() {
  return sessionStorage.getItem(keyName);
}

export function setFunctionKey(key) {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

/** Calls the API; throws ApiError for an answer that is not 2xx. A 401 asks for the key once and tries again. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  for (let attempt = 0; ; attempt++) {
    const sent = { Accept: 'application/json', ...headers };
    const key = functionKey();
    if (key) sent['x-functions-key'] = key;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401 && attempt === 0 && await askForKey()) continue;
    const type = response.headers.get('Content-Type') ?? '';
    const data = type.includes('json') ? await response.json() : null;
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
}

/**
 * A URL the browser fetches by itself (an event stream, an image): it cannot send headers, so the key goes as ?code=,
 * which the Functions host accepts as well.
 */
export function withKey(path) {
  const key = functionKey();
  if (!key) return path;
  const url = new URL(path, location.origin);
  url.searchParams.set('code', key);
  return url.pathname + url.search;
}

/** One page of jobs, newest first. */
export function listJobs({ status, continuationToken, top = 20 }) {
  const query = new URLSearchParams({ top: String(top) });
  if (status) query.set('status', status);
  if (continuationToken) query.set('continuationToken', continuationToken);
  return api(`/api/jobs?${query}`);
}

export const getJob = id => api(`/api/jobs/${encodeURIComponent(id)}`);

export const submitJob = (kind, input, callbackUrl) =>
  api('/api/jobs', { method: 'POST', body: callbackUrl ? { kind, input, callback: { url: callbackUrl } } : { kind, input } });

/** What a job would cost, priced by the server without running it (POST /api/estimates). */
export const estimateJob = (kind, input) => api('/api/estimates', { method: 'POST', body: { kind, input } });

export const cancelJob = id => api(`/api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const getKinds = () => api('/api/kinds');

/** The stream of many jobs' events (see JobEvents on the server). */
export const eventsUrl = ids => withKey(`/api/events?ids=${ids.map(encodeURIComponent).join(',')}`);
