// Runtime API peer verification: a connection to an instance's Runtime API must come from that instance's process tree.
import type { Socket } from 'node:net';
import { canVerifyPeers, peerInTree } from './proc.js';

/** Reads of /proc before a connection is refused (a genuine stranger costs about 60 ms more). */
const PEER_CHECK_ATTEMPTS = 5;

/**
 * The admission check for one instance's Runtime API, given its runtime's pid (undefined before the
 * process is spawned, when nothing may connect). Returns undefined when checking is off or impossible
 * on this system (no /proc), which is logged once.
 */
export function runtimePeerCheck(
  enabled: boolean,
  writeLog: (text: string) => void,
): ((owner: () => number | undefined) => (socket: Socket) => Promise<boolean>) | undefined {
  if (!enabled) return undefined;
  if (!canVerifyPeers()) {
    writeLog(
      'lambda-ml: this system has no /proc, so Runtime API connections are not verified: any local process could speak for an instance\n',
    );
    return undefined;
  }
  return (owner) => async (socket) => {
    const pid = owner();
    const { localPort, remotePort } = socket;
    if (pid !== undefined && localPort !== undefined && remotePort !== undefined) {
      // /proc/net/tcp is not a snapshot: read while other connections come and go, it can skip the
      // line of a live socket (seen at load average 45: the instance's own runtime refused). A
      // refusal is therefore confirmed by a few more reads before it stands.
      for (let attempt = 0; attempt < PEER_CHECK_ATTEMPTS; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
        if (await peerInTree(localPort, remotePort, pid)) return true;
      }
    }
    writeLog(
      `lambda-ml: refused a Runtime API connection from ${socket.remoteAddress}:${remotePort}: it does not come from the instance's runtime (pid ${pid ?? 'not started'}) or its children\n`,
    );
    return false;
  };
}
