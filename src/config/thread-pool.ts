/**
 * libuv's thread pool, sized before anything uses it: imported first by each entry point (src/main.ts,
 * jobs/main.ts), because the pool starts with the first file, DNS or crypto call and never grows.
 * argon2id runs on that pool. The password hasher (src/domain/password-hasher.ts) runs at most PASSWORD_HASH_THREADS
 * hashes at a time: one per CPU, and no fewer than libuv's default pool of four would run (more would only share the
 * CPUs, and hold 19 MiB each). The pool gets four threads more, so file reads and DNS lookups never wait behind a
 * burst of logins.
 * An operator's UV_THREADPOOL_SIZE is kept as it is.
 */
import { availableParallelism } from 'node:os';

/** Passwords hashed or verified at once. */
export const PASSWORD_HASH_THREADS = Math.max(4, availableParallelism());

// An empty value is unset, as libuv reads it.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(PASSWORD_HASH_THREADS + 4);
