const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that can name a row: anything else is answered like a missing row (404), never a 500. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
