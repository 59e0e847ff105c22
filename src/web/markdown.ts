/**
 * Markdown cells as the student saw them in Colab. markdown-it with raw HTML off: a student's `<script>`
 * or `<img onerror>` in a markdown cell is shown as text, never run on a staff member's page, and
 * markdown-it's link check refuses javascript:, vbscript: and file: links. Remote images do not load
 * (the pages' CSP allows images from this site and data: only), so a cell cannot track who reads it.
 */
import MarkdownIt from 'markdown-it';
import { raw, type SafeHtml } from './html.js';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

// Links leave the grader in a new tab, without handing it the page that opened them.
const renderLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index].attrSet('target', '_blank');
  tokens[index].attrSet('rel', 'noopener noreferrer');
  return renderLinkOpen(tokens, index, options, env, self);
};

export function renderMarkdown(source: string): SafeHtml {
  return raw(markdown.render(source));
}
