/**
 * libuv's thread pool, sized before anything uses it: imported first by each entry point (src/main.ts,
 * jobs/main.ts), because the pool starts with the first file, DNS or crypto call and never grows.
 * argon2id runs on that pool. The password hasher (src/domain/password-hasher.ts) runs at most
 * BARONG_ARGON2_CONCURRENCY hashes at a time (default one per CPU); the pool holds that many and four threads more
 * (no fewer than libuv's default four for the hashes), so file reads and DNS lookups never wait behind a burst of
 * logins. An operator's UV_THREADPOOL_SIZE is kept as it is.
 */
import { availableParallelism } from 'node:os';

const hashThreads = Math.max(4, Number(process.env.BARONG_ARGON2_CONCURRENCY) || availableParallelism());

// An empty value is unset, as libuv reads it.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(hashThreads + 4);
