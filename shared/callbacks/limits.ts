/** CI callbacks carry whole job results (MediaInfo, every output object name), far above a query's 16 KiB. */
export const MAX_CALLBACK_BYTES = 1024 * 1024;
