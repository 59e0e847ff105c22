/**
 * HTML templating without a template engine: `html` is a tagged template that escapes every
 * interpolated value unless it is already `SafeHtml` (the result of another `html` call or `raw`).
 * Arrays are joined, null/undefined/false render as nothing, so templates read like markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Markup we produced ourselves (never user text). */
export const raw = (markup: string): SafeHtml => new SafeHtml(markup);

/**
 * Data for the page's scripts, inside <script type="application/json">: `<` is escaped so no value
 * can close the script element early.
 */
export function jsonScript(id: string, data: unknown): SafeHtml {
  const text = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return raw(`<script type="application/json" id="${escapeHtml(id)}">${text}</script>`);
}

/** A query string from the defined entries (for links that keep the current filter). */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
