/** GET /: Google's sign-in button, and a field for an ID token (the fake Google in tests, or debugging). */
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

export function signInPage(googleClientId: string | null, message: string | null): SafeHtml {
  return page({
    title: 'Sign in',
    user: null,
    scripts: googleClientId ? ['https://accounts.google.com/gsi/client'] : [],
    body: html`<div class="card" style="max-width:560px">
<h1>Sign in</h1>
<p>Sign in with the Google account your course knows you by. Students see their own submissions; TAs and instructors see the class.</p>
${message ? html`<p class="notice">${message}</p>` : null}
${
  googleClientId
    ? html`<div id="g_id_onload" data-client_id="${googleClientId}" data-callback="graderGoogleCredential" data-auto_prompt="false"></div>
<div class="g_id_signin" data-type="standard" data-text="signin_with"><span class="muted small">Loading Google's sign-in button…</span></div>`
    : html`<p class="muted">No Google client id is configured (GOOGLE_CLIENT_IDS).</p>`
}
<details style="margin-top:14px"${googleClientId ? '' : ' open'}>
<summary class="small muted">Sign in with a Google ID token</summary>
<form id="signin-form" style="display:flex;gap:6px;margin-top:8px">
  <input name="idToken" aria-label="Google ID token" placeholder="Google ID token" style="flex:1" autocomplete="off">
  <button type="submit">Sign in</button>
</form>
</details>
<p id="signin-error" class="error-text" role="alert"></p>
</div>`,
  });
}
