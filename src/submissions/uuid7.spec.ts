import { uuidv7 } from './uuid7.js';

describe('uuidv7', () => {
  it('is a version 7, RFC variant UUID carrying the time, sorting by it', () => {
    const id = uuidv7(0x0190a1b2c3d4);
    expect(id).toMatch(/^0190a1b2-c3d4-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7(1_700_000_000_000) < uuidv7(1_700_000_000_001)).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(5))).size).toBe(1000);
  });
});
