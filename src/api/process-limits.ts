/**
 * How near the process is to the limits that make it fail every request at once: open files
 * (EMFILE: uploads, database connections, sockets) and memory (the cgroup's OOM killer, V8's heap).
 * Read from /proc and /sys on Linux; elsewhere a measure is null and counts as ok.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

export interface LimitOptions {
  /** Share of a limit at which the process is "near" it (0.9). */
  ratio: number;
  openFilesLimit?: number;
  memoryLimitBytes?: number;
}

export interface ProcessLimits {
  openFiles: { status: 'ok' | 'near limit'; open: number | null; limit: number | null };
  memory: {
    status: 'ok' | 'near limit';
    rssBytes: number;
    limitBytes: number;
    heapUsedBytes: number;
    heapLimitBytes: number;
  };
}

export function measureProcessLimits(options: LimitOptions): ProcessLimits {
  const open = countOpenFiles();
  const fileLimit = options.openFilesLimit ?? softOpenFilesLimit();
  const filesNear = open !== null && fileLimit !== null && open >= fileLimit * options.ratio;
  const rssBytes = process.memoryUsage.rss();
  const limitBytes = options.memoryLimitBytes ?? cgroupMemoryLimit() ?? totalmem();
  const heap = getHeapStatistics();
  const memoryNear = rssBytes >= limitBytes * options.ratio || heap.used_heap_size >= heap.heap_size_limit * options.ratio;
  return {
    openFiles: { status: filesNear ? 'near limit' : 'ok', open, limit: fileLimit },
    memory: {
      status: memoryNear ? 'near limit' : 'ok',
      rssBytes,
      limitBytes,
      heapUsedBytes: heap.used_heap_size,
      heapLimitBytes: heap.heap_size_limit,
    },
  };
}

function countOpenFiles(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** RLIMIT_NOFILE's soft value, from /proc/self/limits ("Max open files  <soft>  <hard>  files"). */
function softOpenFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

/** The cgroup's memory limit (v2 memory.max, v1 memory.limit_in_bytes); null when unlimited or unknown. */
function cgroupMemoryLimit(): number | null {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = readFileSync(path, 'utf8').trim();
      if (/^\d+$/.test(text)) {
        const bytes = Number(text);
        // v1 says "unlimited" with a huge number.
        if (bytes < totalmem() * 4) return bytes;
      }
    } catch {
      // not this cgroup version
    }
  }
  return null;
}
