/**
 * A small Markdown → HTML renderer for the Colab-style print fixtures (test/support/colab-print.ts).
 *
 * It covers what the lesson's markdown uses: headings, paragraphs, bullet and numbered lists (nested
 * by indentation), block quotes, rules, fenced code, inline code, bold, italics, links and images.
 * Everything the notebook says is escaped; raw HTML is dropped down to its text, as a print shows
 * what the browser rendered, never the tags. Remote images become blank boxes: the machine that
 * prints has no network, and a real print shows a picture there (no text) anyway.
 */

export interface MarkdownStyle {
  /**
   * What sits before each heading: Colab's collapse arrow as the Material icon ligature's text
   * (`keyboard_arrow_down`, which is what pdf.js reads from a 2024+ print), a drawn triangle (no
   * text: older prints and Safari), or nothing.
   */
  headingIcon: 'ligature' | 'triangle' | 'none';
  /** Applied to prose text only (never to code): Safari's lost ligatures. */
  prose?: (text: string) => string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text with HTML tags removed and the common entities decoded (what a browser would show). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[a-zA-Z][^>]*>|<!--[\s\S]*?-->/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export function renderMarkdown(source: string, style: MarkdownStyle): string {
  const prose = style.prose ?? ((text: string) => text);
  const out: string[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: { ordered: boolean; depth: number; html: string }[] = [];

  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join('\n'), prose)}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list.length === 0) return;
    // Items keep their depth as an indent: enough for a print, no need for nested <ul> trees.
    const tag = list[0].ordered ? 'ol' : 'ul';
    out.push(`<${tag}>${list.map((item) => `<li style="margin-left:${item.depth * 1.5}em">${item.html}</li>`).join('')}</${tag}>`);
    list = [];
  };
  const flush = () => {
    flushParagraph();
    flushList();
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) body.push(lines[i]);
      out.push(`<pre class="md-code">${escapeHtml(body.join('\n'))}</pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1].length;
      out.push(`<h${level}>${headingIcon(style.headingIcon)}<span class="heading-text">${inline(heading[2], prose)}</span></h${level}>`);
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push('<hr>');
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const ordered = /\d/.test(item[2]);
      if (list.length > 0 && list[0].ordered !== ordered && item[1].length === 0) flushList();
      const marker = ordered ? `${item[2].replace(')', '.')} ` : '';
      list.push({ ordered, depth: Math.floor(item[1].replace(/\t/g, '    ').length / 2), html: marker + inline(item[3], prose) });
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      out.push(`<blockquote>${inline(line.replace(/^\s*>\s?/, ''), prose)}</blockquote>`);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (list.length > 0 && /^\s+\S/.test(line)) {
      // A continuation line of the last list item.
      list[list.length - 1].html += ` ${inline(line.trim(), prose)}`;
      continue;
    }
    flushList();
    paragraph.push(line);
  }
  flush();
  return out.join('\n');
}

function headingIcon(icon: MarkdownStyle['headingIcon']): string {
  if (icon === 'ligature') return '<span class="icon-ligature"><span>keyboard_arrow_down</span></span>';
  if (icon === 'triangle') return '<span class="icon-triangle"></span>';
  return '';
}

/**
 * Inline markup. Code spans are cut out first (their text is literal and never touched by `prose`),
 * then each remaining piece has its raw HTML reduced to text, is escaped, and gets its markup.
 */
function inline(text: string, prose: (text: string) => string): string {
  return text
    .split(/(`+[^`]*?`+)/)
    .map((piece, index) => {
      if (index % 2 === 1) return `<code>${escapeHtml(piece.replace(/^`+|`+$/g, ''))}</code>`;
      return markup(piece, prose);
    })
    .join('');
}

function markup(piece: string, prose: (text: string) => string): string {
  // Images and links are taken out before escaping so their URLs never reach the page as text.
  const parts: string[] = [];
  const pattern = /(!?)\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)|<img\b[^>]*>/gi;
  let last = 0;
  for (let match = pattern.exec(piece); match; match = pattern.exec(piece)) {
    parts.push(emphasis(piece.slice(last, match.index), prose));
    // A picture prints as pixels, no text: a blank box (small for an HTML <img>, a badge in this lesson).
    if (match[0].startsWith('<')) parts.push('<span class="html-img"></span>');
    else if (match[1] === '!') parts.push('<span class="md-img"></span>');
    else parts.push(`<a>${emphasis(match[2], prose)}</a>`);
    last = match.index + match[0].length;
  }
  parts.push(emphasis(piece.slice(last), prose));
  return parts.join('');
}

function emphasis(raw: string, prose: (text: string) => string): string {
  return escapeHtml(prose(htmlToText(raw)))
    .replace(/\n/g, ' ')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '<strong>$2</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=\S)([^_]+?)(?<=\S)_(?![_\w])/g, '$1<em>$2</em>');
}
