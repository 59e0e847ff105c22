/**
 * Hand-written PDFs for the reader's bad-input tests: small, exact, and each broken in one known way.
 * Objects are numbered in order and the cross-reference table is computed, so every file is valid
 * PDF except for the one thing a test asks for.
 */
export interface TinyPdfOptions {
  /** Page content streams, one per page. */
  pages?: string[];
  /** Override the page tree's /Count (e.g. 0 for a document without pages). */
  count?: number;
  /** Add a standard-security /Encrypt dictionary whose user password is not empty. */
  encrypted?: boolean;
  /** Form XObjects, by name, available on every page (content streams). */
  forms?: Array<{ name: string; content: string }>;
}

export function tinyPdf(options: TinyPdfOptions = {}): Buffer {
  const pages = options.pages ?? ['BT /F1 12 Tf 72 720 Td (Hello) Tj ET'];
  const forms = options.forms ?? [];
  const objects: string[] = [];
  /** Adds an object; its number is its 1-based position. */
  const add = (body: string) => objects.push(body);
  const stream = (content: string, dict = '') => `<< ${dict} /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;

  const catalog = add('');
  const pageTree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const formIds = forms.map((form) => add(stream(form.content, '/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources RESOURCES')));
  const xobjects = forms.map((form, i) => `/${form.name} ${formIds[i]} 0 R`).join(' ');
  const resources = `<< /Font << /F1 ${font} 0 R >> /XObject << ${xobjects} >> >>`;
  for (const id of formIds) objects[id - 1] = objects[id - 1].replace('RESOURCES', resources);
  const pageIds = pages.map((content) => {
    const contentId = add(stream(content));
    return add(`<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents ${contentId} 0 R >>`);
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${options.count ?? pageIds.length} >>`;
  const encrypt = options.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /O <${'4f'.repeat(32)}> /U <${'55'.repeat(32)}> /P -4 >>`)
    : null;

  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const id = `<${'ab'.repeat(16)}>`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encrypt ? ` /Encrypt ${encrypt} 0 R /ID [${id} ${id}]` : ''} >>\n`;
  body += `startxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * A "billion laughs" PDF: each form paints the one below it `fanOut` times, `depth` levels deep, so
 * a few hundred bytes expand into fanOut^depth drawing operations.
 */
export function formBombPdf(depth = 40, fanOut = 4): Buffer {
  const forms = [{ name: 'X0', content: '0 0 1 1 re f' }];
  for (let level = 1; level <= depth; level++) {
    forms.push({ name: `X${level}`, content: Array(fanOut).fill(`/X${level - 1} Do`).join(' ') });
  }
  return tinyPdf({ pages: [`/X${depth} Do`], forms });
}
