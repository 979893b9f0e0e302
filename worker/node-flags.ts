/**
 * Node flags every worker process starts with: `node ${WORKER_NODE_FLAGS} --import tsx worker/main.ts`
 * (docker-compose.yml, scripts/start.ts, bench/lib/worker-process.ts say the same). They must be
 * given at start: V8 sizes its heap when the process begins, so worker/main.ts cannot set them.
 *
 * `--max-old-space-size=1024` keeps the worker's memory flat at any incident size. Without a limit,
 * V8 on a machine with more than ~16 GB of RAM takes a heap limit of 4 GB and with it its largest
 * heap growing factor (4×): after a full collection that left ~68 MB live, the next one waited until
 * the heap reached ~270 MB, so the worker's peak RSS climbed with the length of the delivery
 * (363 MB at 10,000 notices, 464-494 MB at 60,000-100,000, measured with `--trace-gc`). Below a
 * 2 GB limit V8 scales the factor down (about 1.6× at 1 GB), so collections come sooner and the
 * peak stays at 290-360 MB from 10,000 to 1,000,000 notices (bench/README.md). The live heap of a
 * delivering worker is ~70-80 MB, so 1 GB leaves room for the workflow cache (the SDK sizes
 * `maxCachedWorkflows` from this limit: ~500 workflows) and for printing letters.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];
