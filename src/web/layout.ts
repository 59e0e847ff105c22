/** The frame every page shares: head, top bar with who is signed in, and the page's body. */
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';

export interface PageOptions {
  title: string;
  user: AuthenticatedUser | null;
  body: HtmlValue;
  /** Extra scripts before app.js (Chart.js on the matrix, Google's sign-in on the sign-in page). */
  scripts?: string[];
}

export function page(options: PageOptions): SafeHtml {
  const { user } = options;
  const staff = user && user.role !== 'student';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Grader</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top">
  <a href="/">Grader</a>
  ${staff ? html`<a href="/staff">Assignments</a>` : null}
  ${user?.role === 'student' ? html`<a href="/me">My submissions</a>` : null}
  ${user ? html`<span class="who">${user.email} · ${user.role}</span><button id="logout" type="button">Sign out</button>` : null}
</header>
<main>
${options.body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
<script src="/assets/app.js"></script>
</body>
</html>`;
}

export function errorPage(status: number, message: string, user: AuthenticatedUser | null): SafeHtml {
  return page({
    title: `${status}`,
    user,
    body: html`<div class="card"><h1>${status === 403 ? 'Not for your role' : status === 404 ? 'Not found' : 'Something went wrong'}</h1>
<p class="error-text" id="error-message">${message}</p>
<p><a href="/">Back to the start page</a></p></div>`,
  });
}
