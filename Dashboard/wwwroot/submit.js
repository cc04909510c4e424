// The submit form: one set of fields per kind, built from GET /api/kinds, checked here with the limits the server
// publishes, priced by the server as it is typed (POST /api/estimates), and the server's problem shown at the field it
// names when it refuses anyway.

import { ApiError, estimateJob, getKinds, submitJob } from './api.js';
import { costText, el, fill } from './format.js';

const form = document.getElementById('submit-form');
const kindSelect = document.getElementById('kind');
const kindSummary = document.getElementById('kind-summary');
const fieldsBox = document.getElementById('fields');
const formError = document.getElementById('form-error');
const callbackBox = document.getElementById('callback-url');
const submitButton = document.getElementById('submit');
const estimateLine = document.getElementById('estimate');

let kinds = [];
let onSubmitted = () => {};
let pricing = { timer: 0, asked: 0 };

/** Loads the kinds and builds the form; onSubmitted(view) gets each accepted job. */
export async function initSubmit(submitted) {
  onSubmitted = submitted;
  kinds = await getKinds();
  fill(kindSelect, kinds.map(kind => el('option', { value: kind.name }, kind.name)));
  kindSelect.addEventListener('change', () => showKind(kindSelect.value));
  form.addEventListener('submit', event => {
    event.preventDefault();
    submit();
  });
  showKind(kinds[0]?.name);
}

/** The kinds as the server describes them. */
export const kindList = () => kinds;

function showKind(name) {
  const kind = kinds.find(k => k.name === name);
  kindSelect.value = name ?? '';
  fill(kindSummary, kind?.summary ?? '');
  fill(fieldsBox, (kind?.input ?? []).map(field => fieldRow(kind, field)));
  showFormError(null);
  priceSoon();
}

function fieldRow(kind, field) {
  const id = `field-${kind.name}-${field.name}`;
  const numeric = field.type === 'integer' || field.type === 'number';
  const example = kind.example?.[field.name];
  const limits = numeric && (field.minimum !== undefined || field.maximum !== undefined)
    ? ` From ${field.minimum ?? '−∞'} to ${field.maximum ?? '∞'}.` : '';
  const input = el('input', {
    id,
    name: field.name,
    type: numeric ? 'number' : 'text',
    inputMode: field.type === 'integer' ? 'numeric' : numeric ? 'decimal' : undefined,
    step: field.type === 'integer' ? '1' : numeric ? 'any' : undefined,
    min: field.minimum !== undefined ? String(field.minimum) : undefined,
    max: field.maximum !== undefined ? String(field.maximum) : undefined,
    required: field.required !== false,
    placeholder: example !== undefined && field.default === undefined ? `e.g. ${example}` : undefined,
    autocomplete: 'off',
    'aria-describedby': `${id}-hint ${id}-error`,
    dataset: { field: field.name, type: field.type },
  });
  if (field.default !== undefined && field.default !== null) input.value = String(field.default);
  input.addEventListener('input', () => {
    showFieldError(input, null);
    priceSoon();
  });
  input.addEventListener('blur', () => showFieldError(input, check(field, input.value)));
  return el('div', { class: 'field' },
    el('label', { for: id }, field.name, field.required !== false ? el('span', { class: 'required' }, ' (required)') : ''),
    input,
    el('p', { id: `${id}-hint`, class: 'hint' }, field.description, limits),
    el('p', { id: `${id}-error`, class: 'error field-error', hidden: true }));
}

/** The problem with a value as typed, or null. The same rules as the server's, from the limits it publishes. */
function check(field, text) {
  const name = `'${field.name}'`;
  if (field.type === 'string') return null;
  const trimmed = text.trim();
  if (trimmed === '') return field.required !== false ? `${name} is required.` : null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return `${name} must be a number.`;
  if (field.type === 'integer' && !Number.isSafeInteger(value)) return `${name} must be a whole number.`;
  if ((field.minimum !== undefined && value < field.minimum) || (field.maximum !== undefined && value > field.maximum))
    return `${name} must be between ${field.minimum} and ${field.maximum}.`;
  return null;
}

/** Prices the form a moment after the typing stops; an answer to an older question is dropped. */
function priceSoon() {
  clearTimeout(pricing.timer);
  pricing.timer = setTimeout(price, 250);
}

async function price() {
  const asked = ++pricing.asked;
  const kind = kinds.find(k => k.name === kindSelect.value);
  const { input, problems } = kind ? read(kind, { quiet: true }) : { problems: [null] };
  if (problems.length > 0) {
    fill(estimateLine, '');
    return;
  }
  try {
    const { estimate } = await estimateJob(kind.name, input);
    if (asked === pricing.asked) fill(estimateLine, costText(estimate));
  } catch (error) {
    if (asked !== pricing.asked) return;
    fill(estimateLine, '');
    if (error instanceof ApiError && error.status === 400) showRefusal(error, { focus: false });
  }
}

function read(kind, { quiet = false } = {}) {
  const input = {};
  const problems = [];
  for (const field of kind.input) {
    const box = form.querySelector(`[data-field="${field.name}"]`);
    const problem = check(field, box.value);
    if (!quiet) showFieldError(box, problem);
    if (problem) problems.push(box);
    else if (field.type === 'string') {
      if (box.value !== '' || field.required !== false) input[field.name] = box.value;
    } else if (box.value.trim() !== '') input[field.name] = Number(box.value.trim());
  }
  return { input, problems };
}

async function submit() {
  const kind = kinds.find(k => k.name === kindSelect.value);
  if (!kind) return;
  showFormError(null);
  const { input, problems } = read(kind);
  if (problems.length > 0) {
    problems[0].focus();
    return;
  }
  submitButton.disabled = true;
  try {
    onSubmitted(await submitJob(kind.name, input, callbackBox.value.trim()));
  } catch (error) {
    showRefusal(error);
  } finally {
    submitButton.disabled = false;
  }
}

/** The server's problem at the field it names (input.limit → limit), else above the button. */
function showRefusal(error, { focus = true } = {}) {
  const field = error instanceof ApiError ? error.problem?.field : null;
  const name = field?.startsWith('input.') ? field.slice('input.'.length) : null;
  const box = field?.startsWith('callback') ? callbackBox : name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  if (box) {
    showFieldError(box, error.message);
    if (focus) box.focus();
  } else {
    showFormError(error.message);
  }
}

callbackBox.addEventListener('input', () => showFieldError(callbackBox, null));

function showFieldError(box, message) {
  const error = document.getElementById(`${box.id}-error`);
  fill(error, message ?? '');
  error.hidden = !message;
  if (message) box.setAttribute('aria-invalid', 'true');
  else box.removeAttribute('aria-invalid');
}

function showFormError(message) {
  fill(formError, message ?? '');
  formError.hidden = !message;
}
