/** Job ids of seed samples the emulator serves from dev/fixtures, named for what tests rely on. */
export const MEDIA_SUCCESS = 'j9c0a4726f6ac11ec96aaa9b64ab18d00'; // Transcode, Success
export const MEDIA_RUNNING = 'j8d121820f5e411ec926ef19d53ba9c6f'; // Transcode, Running at 30 % forever
export const ANIMATION = 'je8f65004eb8511eaaed4f377124a303c';
export const PIC = 'c93984788066911ed89ed352d4d9d2084'; // PicProcess, Submitted
export const AI = 'a8d121820f5e411ec926ef19d53ba9c6f';
export const BATCH = 'b3deffea2f84911ec9cb15254008618d9';

/** A fresh moving-job id (dev/emulator/moving-jobs.ts), so each test gets its own clock. */
export const movingJobId = (prefix: string) => `${prefix}-${Date.now()}${Math.floor(Math.random() * 1e6)}`;
