/**
 * A plain RTSP server for the source-loss tests and the reconnect soak (not a suite, see
 * support.ts). Run as its own process so that a test can make it go away as a
 * camera does: SIGKILL (its sockets close), SIGSTOP (it says nothing more, sockets open), SIGCONT.
 *
 *   node -r ts-node/register/transpile-only test/helpers/rtsp-server.ts [port]
 *
 * gst-rtsp-server (gir1.2-gst-rtsp-server-1.0) serves `videotestsrc is-live=true` as raw RTP at
 * rtsp://127.0.0.1:<port>/test, one media shared by every client. It prints `port <n>` once it
 * listens (port 0, the default: a free port of the system's choice). {@link startRtspServer}
 * starts one and resolves once it has printed that line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { gi } from '../../src';

/** The few members of GstRtspServer used here (the repository has typings for the core namespaces only). */
interface RtspServerNamespace {
  RTSPServer: new () => {
    service: string;
    address: string;
    getMountPoints(): { addFactory(path: string, factory: object): void };
    attach(context: null): number;
    getBoundPort(): number;
  };
  RTSPMediaFactory: new () => { setLaunch(launch: string): void; setShared(shared: boolean): void };
}

/** The path of the stream on the server. */
export const MOUNT = '/test';
/** What the server sends: small raw frames, so that the tests spend their time on the network, not on pixels. */
export const LAUNCH =
  '( videotestsrc is-live=true ! video/x-raw,format=RGB,width=160,height=120,framerate=30/1 ! rtpvrawpay name=pay0 pt=96 )';

function main(): void {
  const port = process.argv[2] ?? '0';
  const GstRtspServer = gi.require('GstRtspServer', '1.0') as RtspServerNamespace;
  const server = new GstRtspServer.RTSPServer();
  server.address = '127.0.0.1';
  server.service = port;
  const factory = new GstRtspServer.RTSPMediaFactory();
  factory.setLaunch(LAUNCH);
  factory.setShared(true);
  server.getMountPoints().addFactory(MOUNT, factory);
  // GLib's default context runs inside Node's loop (src/gi.js): the server's socket is served there.
  if (server.attach(null) === 0) {
    console.error(`cannot listen on 127.0.0.1:${port}`);
    process.exit(1);
  }
  // The socket is a GLib source, which does not keep Node alive: this timer does.
  setInterval(() => undefined, 1 << 30);
  console.log(`port ${server.getBoundPort()}`);
}

/** A server process started by {@link startRtspServer}. */
export interface RtspServer {
  port: number;
  /** rtsp://127.0.0.1:<port>/test */
  url: string;
  child: ChildProcess;
  /** resolves when the process has exited (at once if it has) */
  exited: Promise<void>;
  /** what it wrote on stderr so far, for failure messages */
  stderr(): string;
}

/** Starts a server on `port` (0: any free port); resolves once it listens, rejects if it exits first or takes over `timeoutMs`. */
export function startRtspServer(port = 0, timeoutMs = 30_000): Promise<RtspServer> {
  const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), __filename, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return new Promise<RtspServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the RTSP server did not listen within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const early = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`the RTSP server exited (${code ?? signal}) before it listened\n${stderr}`));
    };
    child.once('exit', early);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const listening = /^port (\d+)$/m.exec(stdout);
      if (!listening) return;
      clearTimeout(timer);
      child.off('exit', early);
      const bound = Number(listening[1]);
      resolve({ port: bound, url: `rtsp://127.0.0.1:${bound}${MOUNT}`, child, exited, stderr: () => stderr });
    });
  });
}

/** Kills the server for good (SIGKILL: a stopped one too) and waits until it is gone. */
export async function killRtspServer(server: RtspServer): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

if (require.main === module) main();
