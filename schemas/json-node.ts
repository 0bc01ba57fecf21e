/** Build-time helpers for walking JSON Schemas as plain data. */
export type Node = { [key: string]: unknown };

export const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Two schemas (or parts) written the same way; key order counts, as it does in TypeBox output. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
