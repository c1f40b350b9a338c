// Starting processes as torchrun starts them: MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK and
// LOCAL_RANK in each one's environment (Debian's torchrun crashes on Python 3.11, and nn's
// engine starts its processes itself).

/** The environment of process `rank` of `world` on this machine. */
export function rankEnv(rank: number, world: number, port: number): Record<string, string> {
  return { MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: String(world), RANK: String(rank), LOCAL_RANK: String(rank) };
}
