/**
 * The class's background processes: the registry (the distribution program, else the registry:2 image through the engine)
 * and the class listener, started by `class up` and left running after it returns, found again through running.json by
 * `class down` and by a second `class up`.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs';
import {mkdir, open, readFile, rm, stat} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import {engineCommand} from '../container/commands.js';
import {defaultEngine, type Engine, type EngineName} from '../container/engine.js';
import {findRegistryBinary} from '../registry/practice/run-binary.js';
import {isAlive} from '../run/process-alive.js';
import {runCommand, type CommandResult} from '../run/run-command.js';
import {onExitSignal} from '../run/signals.js';
import {terminalSafe} from '../text/terminal-safe.js';
import {classPath, writePrivateFile} from './class-config-file.js';
import {isAnyAddress} from './class-tls.js';
import {classFiles, listenerPaths, type ClassConfig, type RunningClass} from './class-types.js';
import {classRegistryConfig} from './registry-config.js';

/** How long each process has to answer after it is started. */
export const readyTimeoutMs = 15_000;
/** How long a process has to end after SIGTERM before it gets SIGKILL. */
export const stopGraceMs = 5000;
const realm = 'registry-lab class';
const logTailLines = 20;

export type Problem = {readonly ok: false; readonly problem: string; readonly hint?: string; readonly log?: string};

/** `host:port` for a URL or a listen address: an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
	return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where this computer itself reaches a process listening on `bind`. */
export function localHost(bind: string): string {
	return isAnyAddress(bind) ? '127.0.0.1' : bind.replace(/^\[|\]$/g, '');
}

/** The listener's notification URL as the registry sees it: from a container, the host is host.docker.internal. */
export function notifyUrl(config: ClassConfig, inContainer: boolean): string {
	const host = inContainer ? 'host.docker.internal' : localHost(config.bind);
	return `http://${hostPort(host, config.listenerPort)}${listenerPaths.events}`;
}

/** The registry's container: one per class folder, so a second folder's class does not meet it. */
export function containerName(dir: string): string {
	return `registry-lab-class-${createHash('sha256').update(classPath(dir, '.')).digest('hex').slice(0, 12)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What runs now

export type ClassState =
	{readonly kind: 'down'} | {readonly kind: 'up'; readonly running: RunningClass; readonly listener: boolean; readonly registry: boolean};

/** running.json, when its processes (or some of them) still run; a running.json whose processes are all gone is removed. */
export async function classState(dir: string): Promise<ClassState> {
	const running = await readRunning(dir);
	if (!running) return {kind: 'down'};
	const listener = isOurProcess(running.listener.pid, dir);
	const registry = running.registry ? await registryRuns(running.registry, dir) : false;
	if (!listener && !registry) {
		await rm(classPath(dir, classFiles.running), {force: true});
		return {kind: 'down'};
	}
	return {kind: 'up', running, listener, registry};
}

async function readRunning(dir: string): Promise<RunningClass | undefined> {
	try {
		const data = JSON.parse(await readFile(classPath(dir, classFiles.running), 'utf8')) as Partial<RunningClass>;
		if (typeof data.listener?.pid !== 'number' || typeof data.listener.port !== 'number') return undefined;
		return data as RunningClass;
	} catch {
		return undefined;
	}
}

async function registryRuns(registry: NonNullable<RunningClass['registry']>, dir: string): Promise<boolean> {
	if (registry.pid !== undefined) return isOurProcess(registry.pid, dir);
	if (registry.container === undefined) return false;
	const engine = defaultEngine((registry.engine === 'podman' ? 'podman' : 'docker') satisfies EngineName);
	const inspected = await runCommand(engineCommand(engine, ['inspect', '--format', '{{.State.Running}}', registry.container], {timeoutMs: 30_000}));
	return inspected.exitCode === 0 && inspected.stdout.trim() === 'true';
}

/**
 * The process runs and is one of this class's (its command line names the class folder), where /proc tells; elsewhere,
 * that it runs. A pid reused by another program, or a process ended and not yet reaped, is not ours.
 */
export function isOurProcess(pid: number, dir: string): boolean {
	if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return false;
	const proc = procFacts(pid);
	if (proc === undefined) return true;
	const folder = classPath(dir, '.');
	const namesFolder = proc.args.some(arg => arg === folder || arg.startsWith(`${folder}${path.sep}`));
	return proc.state !== 'Z' && proc.state !== 'X' && namesFolder;
}

/** The process's state letter and arguments from /proc; undefined where there is no /proc. */
function procFacts(pid: number): {state: string; args: string[]} | undefined {
	if (!existsSync('/proc/self/stat')) return undefined;
	try {
		const statLine = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const end = statLine.lastIndexOf(')');
		return {state: statLine.slice(end + 2, end + 3), args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')};
	} catch {
		return {state: 'X', args: []};
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

/** Whether `port` can be listened on at `bind` now; a problem that says what to do when not. */
export async function portProblem(bind: string, port: number, option: string): Promise<string | null> {
	const code = await new Promise<string | null>(resolve => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
		server.listen({host: bind.replace(/^\[|\]$/g, ''), port, exclusive: true}, () => server.close(() => resolve(null)));
	});
	if (code === null) return null;
	if (code === 'EADDRINUSE') return `Port ${port} on ${bind} is in use by another program: choose another with ${option} N (or stop that program).`;
	if (code === 'EACCES') return `Port ${port} on ${bind} may only be used by the administrator: choose a port above 1023 with ${option} N.`;
	if (code === 'EADDRNOTAVAIL')
		return `${bind} is not an address of this computer: choose one of its addresses with --bind, or --bind 0.0.0.0 for all of them.`;
	return `Port ${port} on ${bind} cannot be listened on (${code}): choose another with ${option} N.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Starting

export type StartRequest = {
	/** The class folder, absolute. */
	readonly dir: string;
	readonly config: ClassConfig;
	/** For the registry:2 image when there is no registry program. */
	readonly engine: Engine;
	/** The program and arguments that run `class listen --dir DIR` (the same CLI the instructor ran). */
	readonly listener: {readonly file: string; readonly args: readonly string[]};
	/** With config.tls: the certificate and key (absolute paths). */
	readonly tls?: {readonly certificate: string; readonly key: string};
	readonly timeoutMs?: number;
	/** Where to look for the registry program (process.env). */
	readonly env?: Readonly<Record<string, string | undefined>>;
};

export type StartedRegistry =
	{readonly how: 'program'; readonly program: string; readonly pid: number} | {readonly how: 'container'; readonly image: string; readonly container: string};

export type Started = {readonly ok: true; readonly running: RunningClass; readonly registry?: StartedRegistry} | Problem;

/** A process (or container) this start made, and how to stop it if the start fails. */
type Handle = {
	readonly stop: () => Promise<void>;
	/** Why it is not there any more, or undefined while it runs. */
	readonly gone: () => Promise<string | undefined>;
	readonly logTail: () => Promise<string>;
};

/**
 * Start the class: its registry (a registry class) and its listener, each in the background, and wait until both answer.
 * On any failure what was started is stopped again. Ports and an earlier start are the caller's to check first.
 */
export async function startClass(request: StartRequest): Promise<Started> {
	const {dir, config} = request;
	const started: Handle[] = [];
	const stopAll = () => Promise.all(started.map(handle => handle.stop())).then(() => undefined);
	// A ctrl+c while waiting stops what was started, rather than leave it running unseen.
	const forget = onExitSignal(stopAll);
	try {
		await mkdir(classPath(dir, classFiles.storage), {recursive: true, mode: 0o700});
		let registry: {handle: Handle; started: StartedRegistry} | undefined;
		if (config.kind === 'registry') {
			const made = await startRegistry(request);
			if (!made.ok) return made;
			registry = made;
			started.push(made.handle);
		}
		const listener = await startListener(request);
		if (!listener.ok) {
			await stopAll();
			return listener;
		}
		started.push(listener.handle);

		const timeoutMs = request.timeoutMs ?? readyTimeoutMs;
		const waits = [
			waitFor('the class listener', listener.handle, () => answersHealth(request), timeoutMs),
			...(registry ? [waitFor('the class registry', registry.handle, () => answersRegistry(request), timeoutMs)] : []),
		];
		const failed = (await Promise.all(waits)).find(wait => !wait.ok);
		if (failed && !failed.ok) {
			await stopAll();
			return failed;
		}

		const running: RunningClass = {
			startedAt: new Date().toISOString(),
			...(registry
				? {
						registry:
							registry.started.how === 'program'
								? {pid: registry.started.pid, port: config.port}
								: {container: registry.started.container, engine: request.engine.name, port: config.port},
					}
				: {}),
			listener: {pid: listener.pid, port: config.listenerPort},
		};
		await writePrivateFile(dir, classFiles.running, `${JSON.stringify(running, null, '\t')}\n`);
		return {ok: true, running, ...(registry ? {registry: registry.started} : {})};
	} catch (error) {
		await stopAll();
		return {ok: false, problem: `The class could not be started: ${error instanceof Error ? error.message : String(error)}`};
	} finally {
		forget();
	}
}

async function waitFor(what: string, handle: Handle, answers: () => Promise<boolean>, timeoutMs: number): Promise<{ok: true} | Problem> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		if (await answers()) return {ok: true};
		const gone = await handle.gone();
		if (gone !== undefined) {
			return {
				ok: false,
				problem: `${upperFirst(what)} ${gone}.`,
				hint: 'Its last lines are below; they usually name the problem.',
				log: await handle.logTail(),
			};
		}
		if (performance.now() > deadline) {
			return {
				ok: false,
				problem: `${upperFirst(what)} did not answer within ${Math.round(timeoutMs / 1000)} seconds, so it was stopped.`,
				hint: 'Its last lines are below.',
				log: await handle.logTail(),
			};
		}
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

async function startRegistry(request: StartRequest): Promise<({ok: true} & {handle: Handle; started: StartedRegistry}) | Problem> {
	const program = await findRegistryBinary(request.env ?? process.env);
	return program ? startProgram(request, program) : startImage(request);
}

/**
 * registry.yml for where the registry runs: this computer's paths, or the container's. `listen` replaces the
 * class's bind:port (one replica of several).
 */
export function registryConfigText(
	dir: string,
	config: ClassConfig,
	options: {readonly inContainer?: boolean; readonly tls?: {certificate: string; key: string}; readonly listen?: string} = {},
): string {
	const {inContainer = false, tls} = options;
	return classRegistryConfig({
		listen: options.listen ?? (inContainer ? '0.0.0.0:5000' : hostPort(config.bind, config.port)),
		storage: inContainer ? containerPaths.storage : classPath(dir, classFiles.storage),
		htpasswd: inContainer ? containerPaths.htpasswd : classPath(dir, classFiles.htpasswd),
		httpSecret: config.httpSecret,
		notifyUrl: notifyUrl(config, inContainer),
		notifySecret: config.notifySecret,
		realm,
		...(config.tls && tls ? {tls: inContainer ? {certificate: containerPaths.certificate, key: containerPaths.key} : tls} : {}),
	});
}

async function writeRegistryConfig(request: StartRequest, inContainer: boolean): Promise<void> {
	const {dir, config, tls} = request;
	await writePrivateFile(dir, classFiles.registryConfig, registryConfigText(dir, config, {inContainer, ...(tls ? {tls} : {})}));
}

const containerPaths = {
	config: '/etc/docker/registry/config.yml',
	storage: '/var/lib/registry',
	htpasswd: '/auth/htpasswd',
	certificate: '/certs/ca.crt',
	key: '/certs/key.pem',
} as const;

async function startProgram(request: StartRequest, program: string): Promise<({ok: true} & {handle: Handle; started: StartedRegistry}) | Problem> {
	await writeRegistryConfig(request, false);
	const log = await openLog(request.dir, classFiles.registryLog);
	// The registry reads REGISTRY_* variables as settings over its config file (podman's REGISTRY_AUTH_FILE would become its auth section).
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
	const child = spawnDetached(program, ['serve', classPath(request.dir, classFiles.registryConfig)], log.fd, env);
	const handle = processHandle(child, log.tail, request.dir);
	if (child.pid === undefined) {
		const why = await handle.gone();
		return {ok: false, problem: `The registry program ${program} could not be run (${why ?? 'no process'}).`, hint: installHint};
	}
	return {ok: true, handle, started: {how: 'program', program, pid: child.pid}};
}

export const installHint =
	'Install the distribution registry (Debian/Ubuntu: sudo apt-get install docker-registry), or Docker (https://docs.docker.com/get-docker/) ' +
	'so the registry:2 image can run instead.';

async function startImage(request: StartRequest): Promise<({ok: true} & {handle: Handle; started: StartedRegistry}) | Problem> {
	const {dir, config, engine} = request;
	const image = engine.name === 'podman' ? 'docker.io/library/registry:2' : 'registry:2';
	const run = (args: readonly string[], timeoutMs: number) => runCommand(engineCommand(engine, args, {timeoutMs}));
	const present = await run(['image', 'inspect', '--format', '{{.Id}}', image], 30_000);
	if (present.spawnError !== undefined) {
		return {
			ok: false,
			problem:
				'There is no registry program on this computer (registry or docker-registry), ' +
				`and ${engine.bin} could not be run (${present.spawnError}) to run the ${image} image instead.`,
			hint: installHint,
		};
	}
	if (present.exitCode !== 0) {
		const pulled = await run(['pull', image], 300_000);
		if (pulled.exitCode !== 0) {
			return {
				ok: false,
				problem: `There is no registry program on this computer, and the ${image} image is not here and could not be pulled.`,
				hint: `${installHint} What ${engine.bin} said is below.`,
				log: lastLines(said(pulled)),
			};
		}
	}

	await writeRegistryConfig(request, true);
	const name = containerName(dir);
	// A container of this class left from before (its running.json lost) would hold the name.
	await run(['rm', '--force', name], 30_000);
	const tls = config.tls ? ['-v', `${classPath(dir, classFiles.tlsDir)}:/certs:ro`] : [];
	const startedRun = await run(
		[
			'run',
			'-d',
			'--name',
			name,
			'--label',
			'registry-lab.class=true',
			'-p',
			`${hostPort(config.bind, config.port)}:5000`,
			'-v',
			`${classPath(dir, classFiles.storage)}:${containerPaths.storage}`,
			'-v',
			`${classPath(dir, classFiles.registryConfig)}:${containerPaths.config}:ro`,
			'-v',
			`${classPath(dir, classFiles.htpasswd)}:${containerPaths.htpasswd}:ro`,
			...tls,
			'--add-host',
			'host.docker.internal:host-gateway',
			image,
		],
		120_000,
	);
	const remove = async () => {
		await run(['rm', '--force', name], 30_000);
	};
	if (startedRun.exitCode !== 0) {
		await remove();
		const inUse = /address already in use|port is already allocated/i.test(startedRun.stderr);
		return {
			ok: false,
			problem: inUse
				? `${engine.bin} could not start the class registry: port ${config.port} is in use. Choose another with --port N.`
				: `${engine.bin} could not start the ${image} image.`,
			hint: `What ${engine.bin} said is below.`,
			log: lastLines(said(startedRun)),
		};
	}
	let lastLook = 0;
	const handle: Handle = {
		stop: remove,
		gone: async () => {
			if (performance.now() - lastLook < 1000) return undefined;
			lastLook = performance.now();
			const state = (await run(['inspect', '--format', '{{.State.Status}}', name], 15_000)).stdout.trim();
			return ['exited', 'dead', 'removing', ''].includes(state) ? `stopped right after starting (${state || 'removed'})` : undefined;
		},
		logTail: async () => lastLines(said(await run(['logs', '--tail', String(logTailLines), name], 15_000))),
	};
	return {ok: true, handle, started: {how: 'container', image, container: name}};
}

async function startListener(request: StartRequest): Promise<({ok: true} & {handle: Handle; pid: number}) | Problem> {
	const log = await openLog(request.dir, classFiles.listenerLog);
	const child = spawnDetached(request.listener.file, request.listener.args, log.fd, process.env);
	const handle = processHandle(child, log.tail, request.dir);
	if (child.pid === undefined) {
		const why = await handle.gone();
		return {ok: false, problem: `The class listener (${request.listener.file}) could not be run (${why ?? 'no process'}).`};
	}
	return {ok: true, handle, pid: child.pid};
}

/** A process of its own group, writing to the log file, that outlives this one. */
function spawnDetached(file: string, args: readonly string[], logFd: number, env: NodeJS.ProcessEnv): ChildProcess {
	let child: ChildProcess;
	try {
		child = spawn(file, [...args], {detached: true, stdio: ['ignore', logFd, logFd], env});
	} finally {
		closeSync(logFd);
	}
	child.unref();
	return child;
}

function processHandle(child: ChildProcess, logTail: () => Promise<string>, dir: string): Handle {
	let spawnError: Error | undefined;
	child.once('error', error => (spawnError = error));
	return {
		stop: async () => {
			if (child.pid !== undefined) await stopProcess(child.pid, dir);
		},
		gone: async () => {
			await new Promise(resolve => setImmediate(resolve));
			if (spawnError) return `could not be run: ${spawnError.message}`;
			if (child.exitCode !== null) return `stopped right after starting (exit code ${child.exitCode})`;
			if (child.signalCode !== null) return `stopped right after starting (${child.signalCode})`;
			return undefined;
		},
		logTail,
	};
}

/** The log file, opened for appending (0600), and its last lines written from now on. */
async function openLog(dir: string, file: string): Promise<{fd: number; tail: () => Promise<string>}> {
	const where = classPath(dir, file);
	const from = await stat(where).then(
		info => info.size,
		() => 0,
	);
	const fd = openSync(where, 'a', 0o600);
	return {
		fd,
		tail: async () => {
			const handle = await open(where, 'r');
			try {
				const size = (await handle.stat()).size;
				const start = Math.max(from, size - 64 * 1024);
				const buffer = Buffer.alloc(Math.max(0, size - start));
				await handle.read(buffer, 0, buffer.length, start);
				return lastLines(buffer.toString('utf8'));
			} finally {
				await handle.close();
			}
		},
	};
}

/** The last lines of a log, each bounded and made safe to print. */
export function lastLines(text: string, count = logTailLines): string {
	return text
		.split(/\r?\n/)
		.filter(line => line.trim().length > 0)
		.slice(-count)
		.map(line => terminalSafe(line.length > 400 ? `${line.slice(0, 400)}…` : line))
		.join('\n');
}

async function answersRegistry(request: StartRequest): Promise<boolean> {
	const {config, tls} = request;
	const scheme = config.tls ? 'https' : 'http';
	const status = await httpStatus(`${scheme}://${hostPort(localHost(config.bind), config.port)}/v2/`, tls?.certificate);
	return status === 401 || status === 200;
}

async function answersHealth(request: StartRequest): Promise<boolean> {
	const {config} = request;
	return (await httpStatus(`http://${hostPort(localHost(config.bind), config.listenerPort)}${listenerPaths.health}`)) === 200;
}

/** The status of a GET, or undefined when nothing answers; with `caFile`, HTTPS trusting that certificate only. */
async function httpStatus(url: string, caFile?: string): Promise<number | undefined> {
	const ca = caFile && url.startsWith('https:') ? await readFile(caFile).catch(() => undefined) : undefined;
	return new Promise(resolve => {
		const module = url.startsWith('https:') ? https : http;
		const request = module.get(url, {timeout: 2000, ...(ca ? {ca} : {})}, response => {
			response.resume();
			resolve(response.statusCode);
		});
		request.once('timeout', () => request.destroy());
		request.once('error', () => resolve(undefined));
	});
}

// ---------------------------------------------------------------------------------------------------------------
// Stopping

/** SIGTERM to the process (and its group), SIGKILL after the grace time; true when it is gone. */
export async function stopProcess(pid: number, dir: string, graceMs = stopGraceMs): Promise<boolean> {
	if (!isOurProcess(pid, dir)) return true;
	signal(pid, 'SIGTERM');
	if (await goneWithin(pid, dir, graceMs)) return true;
	signal(pid, 'SIGKILL');
	return goneWithin(pid, dir, 2000);
}

function signal(pid: number, name: NodeJS.Signals): void {
	try {
		// Its own group (it was started detached): what it started ends with it.
		process.kill(-pid, name);
	} catch {
		try {
			process.kill(pid, name);
		} catch {
			// Gone already.
		}
	}
}

async function goneWithin(pid: number, dir: string, ms: number): Promise<boolean> {
	const deadline = performance.now() + ms;
	while (performance.now() < deadline) {
		if (!isOurProcess(pid, dir)) return true;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	return !isOurProcess(pid, dir);
}

export type Stopped = {readonly stopped: string[]; readonly problems: string[]};

/** Stop what running.json names and remove running.json; everything else in the folder stays. */
export async function stopClass(dir: string, running: RunningClass): Promise<Stopped> {
	const stopped: string[] = [];
	const problems: string[] = [];
	if (isOurProcess(running.listener.pid, dir)) {
		if (await stopProcess(running.listener.pid, dir)) stopped.push(`the class listener (pid ${running.listener.pid}, port ${running.listener.port})`);
		else problems.push(`The class listener (pid ${running.listener.pid}) did not stop, even after SIGKILL.`);
	}
	const registry = running.registry;
	if (registry?.pid !== undefined && isOurProcess(registry.pid, dir)) {
		if (await stopProcess(registry.pid, dir)) stopped.push(`the class registry (pid ${registry.pid}, port ${registry.port})`);
		else problems.push(`The class registry (pid ${registry.pid}) did not stop, even after SIGKILL.`);
	} else if (registry?.container !== undefined) {
		const engine = defaultEngine(registry.engine === 'podman' ? 'podman' : 'docker');
		const removed = await runCommand(engineCommand(engine, ['rm', '--force', registry.container], {timeoutMs: 60_000}));
		if (removed.exitCode === 0) stopped.push(`the class registry (container ${registry.container}, port ${registry.port})`);
		else if (!/no such container|no container with name/i.test(removed.stderr)) {
			problems.push(`${engine.bin} rm --force ${registry.container} did not remove the class registry's container: ${lastLines(said(removed), 3)}`);
		}
	}
	if (problems.length === 0) await rm(classPath(dir, classFiles.running), {force: true});
	return {stopped, problems};
}

function said(result: CommandResult): string {
	return result.spawnError ?? ([result.stderr, result.stdout].filter(text => text.trim().length > 0).join('\n') || `exit code ${String(result.exitCode)}`);
}

function upperFirst(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
