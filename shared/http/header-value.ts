/** Node and SCF give a repeated header or query name as an array; the first value is the one we read. */
export const firstValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
