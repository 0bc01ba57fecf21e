/** What a CI answer that breaks the documented schema becomes: a 502 (`strict`), or data plus `SchemaErrors` (`report`). */
export type SchemaMode = 'strict' | 'report';
