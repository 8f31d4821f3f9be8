// Linux /proc readers the emulator needs: a process's descendants, and which process holds a loopback TCP socket.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Direct children of a process, from every one of its threads (empty when unknown). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
      if (text !== '') for (const child of text.split(' ')) out.push(Number(child));
    } catch {
      // The thread ended while we looked.
    }
  }
  return out;
}

/** `root` and every descendant (at most `max` processes, breadth first). */
export function processTree(root: number, max = 256): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length && tree.length < max; i++) {
    for (const child of childrenOf(tree[i] as number)) if (tree.length < max) tree.push(child);
  }
  return tree;
}

const hex4 = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/**
 * The inode of the TCP socket whose local port is `localPort` and whose peer port is `remotePort`, from
 * /proc/net/tcp (IPv4, then tcp6); null when there is none or no /proc. Asynchronous because it is the
 * expensive part: the kernel walks its whole connection hash table (262,144 buckets on a small VM,
 * about 1-4 ms) to produce the file, and the event loop should not wait for that.
 */
export async function tcpSocketInode(localPort: number, remotePort: number): Promise<number | null> {
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
  const line = new RegExp(
    `^ *\\d+: [0-9A-F]+:${hex4(localPort)} [0-9A-F]+:${hex4(remotePort)} [0-9A-F]{2} [0-9A-F]{8}:[0-9A-F]{8} [0-9A-F]{2}:[0-9A-F]{8} [0-9A-F]{8} +\\d+ +\\d+ (\\d+)`,
    'm',
  );
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'latin1');
    } catch {
      continue;
    }
    const match = line.exec(text);
    if (match !== null) return Number(match[1]);
  }
  return null;
}

/** True when process `pid` has the socket with this inode among its open files. */
export function holdsSocket(pid: number, inode: number): boolean {
  const target = `socket:[${inode}]`;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
    } catch {
      // Closed while we looked.
    }
  }
  return false;
}

/** Whether this machine exposes what `peerInTree` reads (Linux with /proc). */
export function canVerifyPeers(): boolean {
  try {
    readFileSync('/proc/net/tcp', 'latin1');
    readdirSync(`/proc/${process.pid}/fd`);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the client end of a loopback connection (its port `clientPort`, connected to our
 * `serverPort`) is held by `root` or one of its descendants. The root is asked first: it is almost
 * always the runtime itself.
 */
export async function peerInTree(serverPort: number, clientPort: number, root: number): Promise<boolean> {
  const inode = await tcpSocketInode(clientPort, serverPort);
  if (inode === null) return false;
  if (holdsSocket(root, inode)) return true;
  return processTree(root).some((pid) => pid !== root && holdsSocket(pid, inode));
}
