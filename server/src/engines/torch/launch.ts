// Starting processes as torchrun starts them: MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK and
// LOCAL_RANK in each one's environment (Debian's torchrun crashes on Python 3.11, and nn's
// engine starts its processes itself).

/** The environment of process `rank` of `world` on this machine. */
export function rankEnv(rank: number, world: number, port: number): Record<string, string> {
  return { MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: String(world), RANK: String(rank), LOCAL_RANK: String(rank) };
}

/**
 * The allocator settings of the training processes: glibc's malloc thresholds (mallopt(3)) fixed
 * at the highest values its own adjustment reaches, 32 MiB and 64 MiB, unless the environment sets
 * either (or glibc's malloc tunables). By default glibc gives blocks above 128 KiB back to the
 * system (mmap, or trimming the heap's top) and raises that limit only as such blocks are freed;
 * a step frees and allocates its gradients and the optimizer's temporaries again (hundreds of KiB
 * for a small MLP), so until a large enough block happened to be freed each step took fresh pages:
 * 100,000 to 125,000 page faults in the first epoch of bench/train.nn's MLP (938 steps), 1,300
 * with these. Other C libraries ignore the names.
 */
export function allocatorEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.MALLOC_TRIM_THRESHOLD_ !== undefined || env.GLIBC_TUNABLES?.includes('glibc.malloc.')) return {};
  return { MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(64 << 20) };
}

/**
 * OpenBLAS' threads for a process of `threads` PyTorch threads (0: PyTorch's default, left to
 * OpenBLAS too), unless the environment sets them. torch.set_num_threads sets OpenMP's and MKL's
 * threads, not OpenBLAS' (Debian's PyTorch): its matrix products kept a thread per core, whose
 * waiting took the second core at --threads 1 (60,000 sched_yield calls an epoch of bench/train.nn's
 * MLP, none with this), and with the cores busy with other work an epoch took 2.2 to 3.4 s instead
 * of 0.8 s.
 */
export function blasEnv(env: NodeJS.ProcessEnv, threads: number): Record<string, string> {
  return threads > 0 && env.OPENBLAS_NUM_THREADS === undefined ? { OPENBLAS_NUM_THREADS: String(threads) } : {};
}

/**
 * OpenMP's waiting for a process that may run several PyTorch threads (`threads` other than 1; 0:
 * PyTorch's default, a thread per core), unless the environment sets it: passive, its threads
 * sleep between operations instead of spinning, which took the cores from the thread doing the
 * work. On 2 cores busy with other work (load 3 to 5), at --threads 2: bench/train.nn's MLP 1.0 to
 * 1.7 s an epoch instead of 5 to 26 s, the convnet 3,000 to 3,300 samples/s instead of 740 to 880
 * (3,300 to 3,500 on one thread).
 */
export function openmpEnv(env: NodeJS.ProcessEnv, threads: number): Record<string, string> {
  return threads !== 1 && env.OMP_WAIT_POLICY === undefined ? { OMP_WAIT_POLICY: 'passive' } : {};
}
