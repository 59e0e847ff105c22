import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a request part (body, form fields, query, param) with a zod schema; a bad value is a 400
 * whose message names the part, the field and the reason, e.g. "body: reason: a reason is required".
 * An absent body or form is validated as `{}`, so its required fields are named, not "expected object".
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
    throw new BadRequestException(`${this.what}: ${problems.join('; ')}`);
  }
}

/** A request body or multipart form's fields; its 400 reads "invalid request: field: reason". */
export class ZodBody<S extends z.ZodType> extends ZodPipe<S> {
  constructor(schema: S) {
    super(schema, 'invalid request');
  }
}
