import { escapeHtml, html, jsonScript, queryString, raw } from './html.js';

describe('html templates', () => {
  it('escapes interpolated text but not nested templates or raw markup', () => {
    const name = '<script>alert("x")</script> & co';
    const out = html`<p title="${name}">${name}${html`<b>${'1 < 2'}</b>`}${raw('<br>')}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<b>1 &lt; 2</b><br></p>',
    );
  });

  it('joins arrays and drops null, undefined and false', () => {
    expect(html`${[1, 2].map((n) => html`<i>${n}</i>`)}${null}${undefined}${false}`.value).toBe('<i>1</i><i>2</i>');
  });

  it('keeps JSON for scripts from closing the script element', () => {
    const out = jsonScript('data', { name: '</script><script>alert(1)</script>' }).value;
    expect(out).not.toContain('</script><script>');
    expect(JSON.parse(out.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, ''))).toEqual({ name: '</script><script>alert(1)</script>' });
  });

  it('builds query strings from the defined values only', () => {
    expect(queryString({ flag: 'seed_is_42', q: '', sort: undefined })).toBe('?flag=seed_is_42');
    expect(queryString({})).toBe('');
    expect(escapeHtml("'")).toBe('&#39;');
  });
});
