import { z } from 'zod';

/**
 * What the extraction worker (extract.worker.js) sends back for each page: the page's raw layout in
 * points, origin at the top-left corner, y growing downwards. Validated on arrival: the worker is
 * untyped JavaScript and the data crosses a thread boundary.
 */
const textItem = z.object({
  str: z.string(),
  /** Left end of the baseline. */
  x: z.number(),
  /** Baseline. */
  y: z.number(),
  width: z.number(),
  fontSize: z.number(),
  /** Not rotated or mirrored: only upright text takes part in line layout. */
  upright: z.boolean(),
  font: z.string(),
  /** pdf.js says the font is fixed-pitch (code and outputs print in one). */
  mono: z.boolean(),
});

const rect = { x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() };

/**
 * A painted path's bounding box, how it was painted and in which colour ('#rrggbb'): cell backgrounds
 * and borders, and vertical rules (at most 3 points wide: the sides of a box cut by a page break).
 */
const paintedBox = z.object({ ...rect, paint: z.enum(['fill', 'stroke']), color: z.string() });

/** An image XObject as placed on the page, with its intrinsic size in pixels. */
const placedImage = z.object({ ...rect, pixelWidth: z.number(), pixelHeight: z.number() });

export const rawPageSchema = z.object({
  /** 1-based. */
  number: z.number().int().positive(),
  width: z.number(),
  height: z.number(),
  text: z.array(textItem),
  boxes: z.array(paintedBox),
  images: z.array(placedImage),
});

/** From the PDF's information dictionary: which program made it (browser, print driver). */
const documentInfo = z.object({ producer: z.string().nullable(), creator: z.string().nullable(), title: z.string().nullable() });

export const extractReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    numPages: z.number().int().nonnegative(),
    pages: z.array(rawPageSchema),
    pageErrors: z.array(z.object({ page: z.number(), message: z.string() })),
    info: documentInfo,
  }),
  z.object({
    ok: z.literal(false),
    kind: z.enum(['password', 'invalid', 'no-pages', 'too-many-pages']),
    message: z.string(),
  }),
]);

export type RawTextItem = z.infer<typeof textItem>;
export type PaintedBox = z.infer<typeof paintedBox>;
export type PlacedImage = z.infer<typeof placedImage>;
export type RawPage = z.infer<typeof rawPageSchema>;
export type ExtractReply = z.infer<typeof extractReplySchema>;
export type DocumentInfo = z.infer<typeof documentInfo>;
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
