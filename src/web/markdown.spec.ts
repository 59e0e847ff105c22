import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders the lesson\'s markdown: headings, emphasis, code, lists and links that open in a new tab', () => {
    const text = String(renderMarkdown('# Exercise 5\n\nCompare **PyTorch** and `onnxruntime`:\n\n- one\n- two\n\nSee [the docs](https://onnxruntime.ai/).'));
    expect(text).toContain('<h1>Exercise 5</h1>');
    expect(text).toContain('<strong>PyTorch</strong>');
    expect(text).toContain('<code>onnxruntime</code>');
    expect(text).toContain('<li>one</li>');
    expect(text).toContain('<a href="https://onnxruntime.ai/" target="_blank" rel="noopener noreferrer">the docs</a>');
  });

  it('shows a student\'s HTML as text and drops script links: nothing runs on a staff page', () => {
    const text = String(renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))'));
    expect(text).not.toMatch(/<script|<img|href="javascript/i);
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain('[click](javascript:alert(3))');
  });
});
