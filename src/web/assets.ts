/**
 * The pages' stylesheet and their one small script, served as /assets/app.css and /assets/app.js.
 * Kept as TypeScript strings so the SWC build carries them into dist/ with no copy step.
 */

export const APP_CSS = `
:root { --pass:#1b7f3b; --partial:#b7791f; --fail:#c0392b; --missing:#6b7280; --error:#7c3aed; --line:#d6dae0; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:#1f2933; background:var(--bg); }
header.top { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#0c2340; color:#fff; }
header.top a { color:#fff; text-decoration:none; font-weight:600; }
header.top .who { margin-left:auto; font-size:13px; opacity:.9; }
header.top button { background:transparent; color:#fff; border:1px solid #fff6; border-radius:4px; padding:3px 8px; cursor:pointer; }
main { padding:16px 20px; max-width:1500px; }
h1 { font-size:20px; margin:4px 0 12px; } h2 { font-size:16px; margin:18px 0 8px; } h3 { font-size:14px; margin:10px 0 6px; }
a { color:#0b5cad; }
.card > h2:first-child { margin-top:0; }
.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 14px; margin-bottom:14px; }
.muted { color:#6b7280; } .small { font-size:12px; }
table.grid { border-collapse:collapse; width:100%; background:#fff; }
table.grid th, table.grid td { border:1px solid var(--line); padding:4px 6px; text-align:left; vertical-align:top; }
table.grid th { background:#eef1f5; font-weight:600; position:sticky; top:0; }
table.grid td.cell { text-align:center; font-variant-numeric:tabular-nums; color:#fff; min-width:44px; }
.st-pass { background:var(--pass); color:#fff; } .st-partial { background:var(--partial); color:#fff; } .st-fail { background:var(--fail); color:#fff; }
.st-missing { background:var(--missing); color:#fff; } .st-error { background:var(--error); color:#fff; } .st-not_submitted { background:#e5e7eb; color:#6b7280; }
.st-skip { background:#9ca3af; color:#fff; }
.badge { display:inline-block; padding:1px 6px; margin:1px 2px; border-radius:10px; font-size:11px; background:#fde68a; color:#78350f; white-space:nowrap; }
.pill { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; }
form.filters { display:flex; flex-wrap:wrap; gap:8px; align-items:end; }
form.filters label { display:flex; flex-direction:column; font-size:12px; color:#4b5563; }
input, select, textarea, button { font:inherit; }
input, select, textarea { padding:4px 6px; border:1px solid #c4cad3; border-radius:4px; }
button { padding:5px 10px; border:1px solid #0b5cad; background:#0b5cad; color:#fff; border-radius:4px; cursor:pointer; }
button.secondary { background:#fff; color:#0b5cad; }
.charts { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
.charts .card { height:260px; }
.counts span { margin-right:14px; }
.nb-row { display:grid; grid-template-columns:minmax(0,3fr) minmax(0,2fr); gap:14px; margin-bottom:10px; }
.nb-row.segment > div:first-child { border-left:4px solid #0b5cad; padding-left:8px; background:#eef5fc; border-radius:4px; }
.segment-label { font-size:12px; font-weight:600; color:#0b5cad; padding:3px 0; }
.nb-cell { background:#fff; border:1px solid var(--line); border-radius:4px; margin-bottom:6px; }
.nb-cell .prompt { font:11px monospace; color:#6b7280; padding:2px 6px; border-bottom:1px solid #eef1f5; }
pre { margin:0; padding:6px 8px; white-space:pre-wrap; word-break:break-word; font:12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
pre.code { background:#f8fafc; } pre.md { background:#fff; font-family:inherit; font-size:13px; }
pre.out { border-top:1px dashed #e5e7eb; } pre.stderr { background:#fff7ed; } pre.err { background:#fef2f2; color:#991b1b; }
.nb-cell img { max-width:100%; display:block; padding:6px; }
.nb-cell div.md { padding:2px 10px; font-size:13px; }
.nb-cell div.md h1 { font-size:18px; } .nb-cell div.md h2 { font-size:16px; } .nb-cell div.md h3 { font-size:14px; }
.nb-cell div.md code { background:#f1f5f9; padding:0 3px; border-radius:3px; font-size:12px; }
.nb-cell div.md pre { background:#f8fafc; }
.nb-cell div.md table { border-collapse:collapse; } .nb-cell div.md td, .nb-cell div.md th { border:1px solid var(--line); padding:2px 6px; }
.checks { position:sticky; top:8px; }
.check { border-left:4px solid var(--line); padding:6px 8px; margin:6px 0; background:#fff; border-radius:3px; }
.check.pass { border-color:var(--pass); } .check.fail { border-color:var(--fail); } .check.error { border-color:var(--error); } .check.skip { border-color:#9ca3af; }
.check .evidence { white-space:pre-wrap; font-size:12px; color:#374151; margin-top:3px; }
.check .badge { white-space:normal; }
.check .hint { font-size:12px; color:#92400e; margin-top:3px; }
.check form { display:flex; gap:6px; flex-wrap:wrap; margin-top:6px; }
.check form input[name=points] { width:70px; } .check form input[name=reason] { flex:1; min-width:160px; }
.struck { text-decoration:line-through; color:#9ca3af; }
#reading-measures tr.low td { color:#b91c1c; } #read-uncertain { margin-bottom:8px; }
.status-line { font-weight:600; } .notice { padding:8px 10px; border-radius:4px; background:#eff6ff; border:1px solid #bfdbfe; }
.error-text { color:#b91c1c; }
.latency-chart { height:220px; margin:8px 0; }
.confusions { margin-bottom:12px; }
.confusion-row { display:flex; flex-wrap:wrap; gap:14px; }
table.confusion { border-collapse:collapse; font-variant-numeric:tabular-nums; }
table.confusion caption { font-size:12px; font-weight:600; text-align:left; padding-bottom:2px; }
table.confusion th, table.confusion td { border:1px solid var(--line); padding:2px 7px; text-align:center; font-size:12px; }
table.confusion th { background:#eef1f5; }
`;

export const APP_JS = `
'use strict';
(function () {
  // State changes made with the session cookie carry the session's CSRF token (src/auth/csrf.ts):
  // from the sign-in answer, else asked once per page (a page of another origin cannot read it).
  let csrfToken = null;
  async function csrf() {
    if (csrfToken) return csrfToken;
    const response = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
    if (!response.ok) throw new Error('session: HTTP ' + response.status);
    csrfToken = (await response.json()).csrfToken;
    return csrfToken;
  }

  async function postJson(url, body, options) {
    const headers = { 'Content-Type': 'application/json' };
    if (!(options && options.signIn)) headers['X-CSRF-Token'] = await csrf();
    const response = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify(body) });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new Error((data && data.message) || ('HTTP ' + response.status));
    return data;
  }

  // Sign-in: the Google button's credential, or a pasted ID token (the fake Google in tests).
  async function signIn(idToken) {
    const out = document.getElementById('signin-error');
    try {
      // No session yet: nothing to protect with a token (the server checks where the request came from).
      const data = await postJson('/api/auth/google', { idToken: idToken }, { signIn: true });
      csrfToken = data.csrfToken;
      // Back to the page that sent us here (this site only), else the role's home.
      location.assign(sameOriginPath(new URLSearchParams(location.search).get('next')) || (data.user.role === 'student' ? '/me' : '/staff'));
    } catch (error) { if (out) out.textContent = error.message; }
  }
  // \`next\` read as the browser will read it: resolved against this page's origin (so tabs, newlines,
  // backslashes and the like are treated exactly as location.assign would treat them), kept only
  // when it stays on this origin with a path starting with a single '/'; the resolved URL is used.
  function sameOriginPath(next) {
    if (!next || next.charAt(0) !== '/') return null;
    let url;
    try { url = new URL(next, location.origin); } catch (e) { return null; }
    if (url.origin !== location.origin) return null;
    if (url.pathname.charAt(0) !== '/' || url.pathname.charAt(1) === '/' || url.pathname.charCodeAt(1) === 92) return null; // '//' or '/\\' (92)
    return url.href;
  }
  window.graderGoogleCredential = function (response) { signIn(response.credential); };
  const signinForm = document.getElementById('signin-form');
  if (signinForm) signinForm.addEventListener('submit', function (event) {
    event.preventDefault();
    signIn(signinForm.elements.idToken.value.trim());
  });

  const logout = document.getElementById('logout');
  if (logout) logout.addEventListener('click', async function () {
    try { await postJson('/api/auth/logout', {}); } catch (e) { /* ended already: the cookie goes either way */ }
    location.assign('/');
  });

  // Overview charts (Chart.js) from the JSON the server embedded.
  const chartData = document.getElementById('chart-data');
  if (chartData && window.Chart) {
    // No animation: the numbers are read, not watched (and screenshots show the final bars).
    Chart.defaults.animation = false;
    const data = JSON.parse(chartData.textContent);
    new Chart(document.getElementById('chart-scores'), {
      type: 'bar',
      data: { labels: data.scores.labels, datasets: [{ label: 'students', data: data.scores.counts, backgroundColor: '#0b5cad' }] },
      options: { maintainAspectRatio: false, plugins: { title: { display: true, text: 'Score distribution' }, legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    new Chart(document.getElementById('chart-pass'), {
      type: 'bar',
      data: { labels: data.passRate.labels, datasets: [{ label: '% pass', data: data.passRate.values, backgroundColor: '#1b7f3b' }] },
      options: { maintainAspectRatio: false, plugins: { title: { display: true, text: 'Pass rate per exercise (graded students)' }, legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } },
    });
    const activity = data.activity;
    const palette = ['#c0392b', '#b7791f', '#7c3aed', '#0b5cad', '#1b7f3b', '#db2777', '#0891b2', '#6b7280'];
    const empty = function (text) { return { display: true, text: text + ' (nothing yet)' }; };
    new Chart(document.getElementById('chart-flags'), {
      type: 'bar',
      data: { labels: activity.flags.days, datasets: activity.flags.series.map(function (s, i) { return { label: s.name, data: s.counts, backgroundColor: palette[i % palette.length] }; }) },
      options: { maintainAspectRatio: false, plugins: { title: activity.flags.days.length ? { display: true, text: 'Flags raised per day (latest grade of each hand-in)' } : empty('Flags raised per day') }, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    new Chart(document.getElementById('chart-rerun-time'), {
      type: 'bar',
      data: { labels: activity.rerunTime.days, datasets: [
        { label: 'GPU minutes', data: activity.rerunTime.gpuMinutes, backgroundColor: '#7c3aed' },
        { label: 'CPU minutes', data: activity.rerunTime.cpuMinutes, backgroundColor: '#9ca3af' },
      ] },
      options: { maintainAspectRatio: false, plugins: { title: activity.rerunTime.days.length ? { display: true, text: 'Re-run device time per day' } : empty('Re-run device time per day') }, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    const history = activity.rerunQueue ? activity.rerunQueue.history : [];
    new Chart(document.getElementById('chart-rerun-queue'), {
      type: 'line',
      data: { labels: history.map(function (p) { return p.t.slice(5, 16).replace('T', ' '); }), datasets: [{ label: 'jobs waiting', data: history.map(function (p) { return p.waiting; }), stepped: true, borderColor: '#0b5cad', pointRadius: 0 }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false }, title: history.length ? { display: true, text: 'Re-run queue: jobs waiting (UTC)' } : empty('Re-run queue: jobs waiting') }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  // Re-run latency: per engine, p50 bars with the median's 95% interval as a floating bar, p95, p99.
  document.querySelectorAll('canvas[data-latency-chart]').forEach(function (canvas) {
    if (!window.Chart) return;
    Chart.defaults.animation = false;
    const source = document.getElementById(canvas.getAttribute('data-latency-chart'));
    if (!source) return;
    const data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: [
        { label: 'p50', data: data.p50, backgroundColor: '#0b5cad' },
        { label: '95% interval of the median', data: data.medianCi, backgroundColor: '#93c5fd' },
        { label: 'p95', data: data.p95, backgroundColor: '#f59e0b' },
        { label: 'p99', data: data.p99, backgroundColor: '#c0392b' },
      ] },
      options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { title: { display: true, text: data.title } }, scales: { x: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
    });
  });

  // Overrides (instructor): points + required reason to the override endpoint, then reload.
  document.querySelectorAll('form.override').forEach(function (form) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      const out = form.querySelector('.form-error');
      try {
        await postJson('/api/checks/' + encodeURIComponent(form.dataset.checkResult) + '/override', {
          points: Number(form.elements.points.value),
          reason: form.elements.reason.value,
        });
        location.reload();
      } catch (error) { out.textContent = error.message; }
    });
  });

  // Re-runs: queue, then poll the job until it is completed or failed, showing its state live.
  const FINAL = ['completed', 'failed'];
  document.querySelectorAll('button[data-rerun]').forEach(function (button) {
    button.addEventListener('click', async function () {
      const status = document.getElementById('rerun-status');
      const body = button.dataset.check ? { checkIds: [button.dataset.check] } : {};
      status.textContent = 'queueing…';
      status.dataset.state = 'requesting';
      try {
        const job = await postJson('/api/submissions/' + encodeURIComponent(button.dataset.rerun) + '/rerun', body);
        show(status, job);
        while (!FINAL.includes(status.dataset.state)) {
          await new Promise(function (resolve) { setTimeout(resolve, 700); });
          const response = await fetch(job.statusUrl, { credentials: 'same-origin' });
          if (!response.ok) throw new Error('job status: HTTP ' + response.status);
          show(status, await response.json());
        }
      } catch (error) { status.dataset.state = 'error'; status.textContent = 'Re-run: ' + error.message; }
    });
  });
  // Buttons that POST to the API (re-grade start, accept, reject), then go on or reload.
  document.querySelectorAll('button[data-post]').forEach(function (button) {
    button.addEventListener('click', async function () {
      const out = document.getElementById('post-status');
      button.disabled = true;
      try {
        const data = await postJson(button.dataset.post, {});
        if (button.dataset.then && data && data.id) location.assign(button.dataset.then + encodeURIComponent(data.id));
        else location.reload();
      } catch (error) { button.disabled = false; if (out) out.textContent = error.message; }
    });
  });
  // Pages that follow work in progress reload themselves until it ends.
  const refresh = document.querySelector('[data-refresh-ms]');
  if (refresh) setTimeout(function () { location.reload(); }, Number(refresh.getAttribute('data-refresh-ms')));

  function show(status, job) {
    status.dataset.state = job.state;
    const progress = typeof job.progress === 'number' && job.progress > 0 ? ' (' + job.progress + '%)' : '';
    const checks = job.data && job.data.checkIds ? ' — checks ' + job.data.checkIds.join(', ') : '';
    let text = 'Re-run job ' + job.state + progress + checks;
    if (job.failedReason) text += ': ' + job.failedReason;
    if (job.state === 'completed' && job.result) text += ' — ' + JSON.stringify(job.result).slice(0, 300);
    status.textContent = text;
  }
})();
`;
