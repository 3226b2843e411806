import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {constants as fsConstants, rmSync} from 'node:fs';
import {access, mkdir, mkdtemp, rm, rmdir, stat, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {engineCommand} from '../container/commands.js';
import {defaultEngine, type Engine} from '../container/engine.js';
import {runCommand, type CommandResult} from '../run/run-command.js';
import {chosenPasswordCost, generatedPasswordCost, generatePassword, htpasswdLine} from './htpasswd.js';
import {httpFetch} from './http-request.js';

export type PracticeAccount = {readonly username: string; readonly password: string};

/** A distribution registry on 127.0.0.1 with htpasswd accounts, for practice on one computer. */
export type PracticeRegistry = {
	/** '127.0.0.1:PORT' */
	readonly host: string;
	readonly accounts: readonly PracticeAccount[];
	/** Where config.yml, auth/htpasswd and storage/ live. */
	readonly dataDir: string;
	readonly how: 'binary' | 'container';
	/** The registry program's path, or the container's id. */
	readonly program: string;
	/** Stops the registry and removes dataDir (unless keepData). Safe to call more than once. */
	stop(): Promise<void>;
};

export type StartOptions = {
	/** Default: one account 'student' with a generated password. */
	readonly accounts?: readonly {username: string; password?: string}[];
	/** The engine for the container fallback (default: docker with this process's environment). */
	readonly engine?: Engine;
	/** A registry program to run, instead of looking for one on PATH. */
	readonly binary?: string;
	/** Default: a new temp dir. An existing dir is kept; only the files written here are removed. */
	readonly dataDir?: string;
	readonly keepData?: boolean;
	/** Default: a free port on 127.0.0.1. */
	readonly port?: number;
	readonly signal?: AbortSignal;
	/** How long the registry may take to answer once started (default 15 s; a pull of the image is not counted). */
	readonly startTimeoutMs?: number;
	/** Force one way to run it; default: a registry program if there is one, else a container. */
	readonly how?: 'binary' | 'container';
	/** The image for the container fallback (default registry:2). */
	readonly image?: string;
};

export type StartFailure = {readonly ok: false; readonly message: string; readonly hint: string; readonly log?: string};

export type StartResult = ({readonly ok: true} & PracticeRegistry) | StartFailure;

const installHint = 'Install the distribution registry (`sudo apt install docker-registry`), or pull registry:2 once while online (`docker pull registry:2`).';
const defaultStartTimeoutMs = 15_000;
const portTries = 5;

/** The distribution registry program: `registry` or `docker-registry` on PATH, or Debian's /usr/bin/docker-registry. */
export async function findRegistryBinary(env: Record<string, string | undefined> = process.env): Promise<string | null> {
	const dirs = (env.PATH ?? '').split(path.delimiter).filter(dir => dir.length > 0);
	const candidates = [...['registry', 'docker-registry'].flatMap(name => dirs.map(dir => path.join(dir, name))), '/usr/bin/docker-registry'];
	for (const candidate of candidates) if (await isExecutableFile(candidate)) return candidate;
	return null;
}

/**
 * Start a practice registry: a registry program on this computer if there is one,
 * else the registry:2 image through the engine. Never throws; a failure says what to do next.
 */
export async function startPracticeRegistry(options: StartOptions = {}): Promise<StartResult> {
	const accounts = resolveAccounts(options.accounts);
	if (!accounts.ok) return accounts;
	if (options.signal?.aborted) return canceled();

	const binary = options.how === 'container' ? null : (options.binary ?? (await findRegistryBinary()));
	if (options.how === 'binary' && binary === null) {
		return failure('There is no registry program on this computer (looked for `registry` and `docker-registry`).', installHint);
	}

	let data: DataDir;
	try {
		data = await prepareDataDir(options.dataDir, accounts.value.lines);
	} catch (error) {
		return failure(`Could not write the practice registry's files: ${errorText(error)}`, 'Check that the data directory (by default one in the temp directory) can be written to and the disk is not full, then try again.');
	}

	const context: Context = {options, accounts: accounts.value.accounts, data, timeoutMs: options.startTimeoutMs ?? defaultStartTimeoutMs};
	let result: StartResult | undefined;
	try {
		for (let attempt = 1; result === undefined; attempt++) {
			const port = options.port ?? (await freePort());
			const outcome = binary === null ? await startContainer(context, port) : await startBinary(context, binary, port);
			if (outcome.kind === 'started') result = outcome.registry;
			else if (outcome.kind === 'port-taken' && options.port === undefined && attempt < portTries) continue;
			else result = outcome.kind === 'port-taken' ? portTaken(port, outcome.log) : outcome.failure;
		}
	} catch (error) {
		result = failure(`The practice registry could not be started: ${errorText(error)}`, 'Try again; if it keeps failing, run `registry-lab doctor` and share its output.');
	}
	if (!result.ok && !options.keepData) await data.remove();
	return result;
}

// ---------------------------------------------------------------------------
// Accounts and files

type Resolved<T> = {readonly ok: true; readonly value: T} | StartFailure;

function resolveAccounts(requested: StartOptions['accounts']): Resolved<{accounts: readonly PracticeAccount[]; lines: readonly string[]}> {
	const list = requested ?? [{username: 'student'}];
	if (list.length === 0) return failure('A practice registry needs at least one account.', 'Pass one account, or leave `accounts` out to get the default "student".');
	const seen = new Set<string>();
	const accounts: PracticeAccount[] = [];
	const lines: string[] = [];
	for (const {username, password} of list) {
		if (seen.has(username)) return failure(`The account ${JSON.stringify(username)} is listed twice.`, 'Give every account its own username.');
		seen.add(username);
		const account = {username, password: password ?? generatePassword()};
		try {
			lines.push(htpasswdLine(account.username, account.password, password === undefined ? generatedPasswordCost : chosenPasswordCost));
		} catch (error) {
			return failure(errorText(error), 'Change that account and start the practice registry again.');
		}
		accounts.push(account);
	}
	return {ok: true, value: {accounts, lines}};
}

type DataDir = {
	readonly dir: string;
	readonly config: string;
	readonly auth: string;
	readonly htpasswd: string;
	readonly storage: string;
	readonly secret: string;
	/** Unique per start: the 401 from *this* registry names it, so another server on the port is not taken for ours. */
	readonly realm: string;
	remove(): Promise<void>;
	removeSync(): void;
};

async function prepareDataDir(requested: string | undefined, lines: readonly string[]): Promise<DataDir> {
	const existed = requested !== undefined && (await stat(requested).then(() => true, () => false));
	const dir = requested === undefined ? await mkdtemp(path.join(os.tmpdir(), 'registry-lab-practice-')) : path.resolve(requested);
	await mkdir(dir, {recursive: true});
	const auth = path.join(dir, 'auth');
	const storage = path.join(dir, 'storage');
	await mkdir(auth, {recursive: true});
	await mkdir(storage, {recursive: true});
	const htpasswd = path.join(auth, 'htpasswd');
	await writeFile(htpasswd, lines.join('\n') + '\n', {mode: 0o600});
	// A directory we made goes entirely; in one that was there before, only what we wrote goes.
	const ours = existed ? ['config.yml', 'container.env', 'auth', 'storage'].map(name => path.join(dir, name)) : [dir];
	return {
		dir,
		config: path.join(dir, 'config.yml'),
		auth,
		htpasswd,
		storage,
		secret: randomBytes(32).toString('hex'),
		realm: `registry-lab practice ${randomBytes(4).toString('hex')}`,
		async remove() {
			for (const entry of ours) await rm(entry, {recursive: true, force: true, maxRetries: 3}).catch(() => undefined);
			if (existed) await rmdir(dir).catch(() => undefined);
		},
		removeSync() {
			for (const entry of ours) {
				try {
					rmSync(entry, {recursive: true, force: true});
				} catch {
					// Best effort while the process exits.
				}
			}
		},
	};
}

/** The registry's configuration: quiet, loopback only, htpasswd auth, deletes allowed. */
export function registryConfig(options: {host: string; storage: string; htpasswd: string; secret: string; realm: string}): string {
	const quote = (text: string) => JSON.stringify(text); // a JSON string is a YAML double-quoted string
	return [
		'version: 0.1',
		'log:',
		'  level: error',
		'  accesslog:',
		'    disabled: true',
		'storage:',
		'  filesystem:',
		`    rootdirectory: ${quote(options.storage)}`,
		'  delete:',
		'    enabled: true',
		'http:',
		`  addr: ${quote(options.host)}`,
		`  secret: ${quote(options.secret)}`,
		'  headers:',
		'    X-Content-Type-Options: [nosniff]',
		'auth:',
		'  htpasswd:',
		`    realm: ${quote(options.realm)}`,
		`    path: ${quote(options.htpasswd)}`,
		'',
	].join('\n');
}

// ---------------------------------------------------------------------------
// Running it

type Context = {
	readonly options: StartOptions;
	readonly accounts: readonly PracticeAccount[];
	readonly data: DataDir;
	readonly timeoutMs: number;
};

type Outcome =
	| {readonly kind: 'started'; readonly registry: {readonly ok: true} & PracticeRegistry}
	| {readonly kind: 'port-taken'; readonly log: string}
	| {readonly kind: 'failed'; readonly failure: StartFailure};

const portInUse = /address already in use|port is already allocated/i;

async function startBinary(context: Context, binary: string, port: number): Promise<Outcome> {
	const {data, options} = context;
	const host = `127.0.0.1:${port}`;
	await writeFile(data.config, registryConfig({host, storage: data.storage, htpasswd: data.htpasswd, secret: data.secret, realm: data.realm}), {mode: 0o600});

	const log = logTail();
	// The registry reads REGISTRY_* variables as settings that override its config file: podman's
	// REGISTRY_AUTH_FILE (a login file) would become its auth section and stop it from starting.
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
	const child: ChildProcess = spawn(binary, ['serve', data.config], {stdio: ['ignore', 'pipe', 'pipe'], detached: false, env});
	let spawnError: Error | undefined;
	child.once('error', error => (spawnError = error));
	child.stdout?.on('data', log.add);
	child.stderr?.on('data', log.add);
	// The registry must not keep the lab alive: it is stopped by stop(), or on exit.
	child.unref();
	for (const stream of [child.stdout, child.stderr]) (stream as net.Socket | null)?.unref?.();

	const killSync = () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	};
	// Tracked until stop() is done, files too: an exit of the lab in between still cleans up.
	const entry = track({killSync, removeSync: options.keepData ? undefined : data.removeSync});
	const kill = async () => {
		if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
			child.kill('SIGTERM');
			if (!(await exited(child, 3000))) {
				child.kill('SIGKILL');
				await exited(child, 3000);
			}
		}
	};

	const ready = await waitUntilReady(host, context, () => {
		if (spawnError) return {stopped: `could not be run: ${spawnError.message}`};
		if (child.exitCode !== null || child.signalCode !== null) return {stopped: `stopped right after starting (${child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode})`};
		return undefined;
	});
	if (ready.kind !== 'ready') {
		await kill();
		untrack(entry);
		const text = log.text();
		if (ready.kind === 'stopped' && portInUse.test(text)) return {kind: 'port-taken', log: text};
		if (ready.kind === 'canceled') return {kind: 'failed', failure: canceled()};
		const what = `The practice registry (${binary})`;
		const message = ready.kind === 'timeout' ? `${what} did not answer on http://${host}/v2/ within ${seconds(context.timeoutMs)}.` : `${what} ${ready.why}.`;
		const hint =
			text.trim().length > 0
				? 'Its last lines are below: they usually name the problem (a port in use, a file it cannot read, a bad setting).'
				: `Check that ${binary} is the distribution registry (\`${binary} --version\` names github.com/docker/distribution), or ${lowerFirst(installHint)}`;
		return {kind: 'failed', failure: failure(message, hint, text)};
	}

	const stop = stopOnce(async () => {
		await kill();
		if (!options.keepData) await data.remove();
		untrack(entry);
	});
	return {kind: 'started', registry: {ok: true, host, accounts: context.accounts, dataDir: data.dir, how: 'binary', program: binary, stop}};
}

async function startContainer(context: Context, port: number): Promise<Outcome> {
	const {data, options} = context;
	const engine = options.engine ?? defaultEngine('docker');
	const image = options.image ?? (engine.name === 'podman' ? 'docker.io/library/registry:2' : 'registry:2');
	const run = (args: readonly string[], timeoutMs: number) => runCommand(engineCommand(engine, args, {timeoutMs}), {signal: options.signal});

	const present = await run(['image', 'inspect', '--format', '{{.Id}}', image], 30_000);
	const noProgram = options.how === 'container' ? '' : 'There is no registry program on this computer, and ';
	if (present.spawnError) return failed(`${noProgram}${engine.bin} could not be run (${present.spawnError}) to start the ${image} image.`, installHint);
	if (present.canceled) return {kind: 'failed', failure: canceled()};
	if (present.exitCode !== 0) {
		const pulled = await run(['pull', image], 300_000);
		if (pulled.canceled) return {kind: 'failed', failure: canceled()};
		if (pulled.exitCode !== 0) {
			return failed(`${noProgram}the ${image} image is not here and could not be pulled.`.replace(/^the/, 'The'), installHint, output(pulled));
		}
	}

	const host = `127.0.0.1:${port}`;
	const envFile = path.join(data.dir, 'container.env');
	await writeFile(
		envFile,
		[
			'REGISTRY_AUTH=htpasswd',
			`REGISTRY_AUTH_HTPASSWD_REALM=${data.realm}`,
			'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd',
			'REGISTRY_STORAGE_DELETE_ENABLED=true',
			`REGISTRY_HTTP_SECRET=${data.secret}`,
			'REGISTRY_LOG_LEVEL=error',
			'REGISTRY_LOG_ACCESSLOG_DISABLED=true',
			'',
		].join('\n'),
		{mode: 0o600},
	);
	const name = `registry-lab-practice-${port}-${randomBytes(3).toString('hex')}`;
	// Storage is bound to dataDir only when it is kept: files the container writes may belong to its root.
	const storage = options.keepData ? ['-v', `${data.storage}:/var/lib/registry`] : [];
	const started = await run(
		['run', '-d', '--name', name, '--label', 'registry-lab.practice=true', '-p', `${host}:5000`, '-v', `${data.auth}:/auth:ro`, ...storage, '--env-file', envFile, image],
		60_000,
	);
	const removeContainer = (id: string) => run(['rm', '--force', '--volumes', id], 30_000);
	if (started.exitCode !== 0) {
		await removeContainer(name);
		if (started.canceled) return {kind: 'failed', failure: canceled()};
		if (portInUse.test(started.stderr)) return {kind: 'port-taken', log: output(started)};
		return failed(`${engine.bin} could not start the ${image} image.`, `Read what ${engine.bin} said below; \`${engine.bin} ps -a\` shows the containers there are.`, output(started));
	}
	const id = started.stdout.trim().split('\n').pop() ?? name;

	const killSync = () => {
		if (!removed) spawnSync(engine.bin, [...(engine.globalArgs ?? []), 'rm', '--force', '--volumes', id], {env: {...process.env, ...engine.env}, stdio: 'ignore', timeout: 15_000});
	};
	const entry = track({killSync, removeSync: options.keepData ? undefined : data.removeSync});
	let removed = false;
	const kill = async () => {
		await removeContainer(id);
		removed = true;
	};

	let lastLook = 0;
	let state = '';
	const ready = await waitUntilReady(host, context, async () => {
		if (performance.now() - lastLook < 1000) return undefined;
		lastLook = performance.now();
		const inspected = await run(['inspect', '--format', '{{.State.Status}}', id], 15_000);
		state = inspected.stdout.trim();
		return ['exited', 'dead', 'removing'].includes(state) ? {stopped: `stopped right after starting (${state})`} : undefined;
	});
	if (ready.kind !== 'ready') {
		const logs = await run(['logs', '--tail', '50', id], 15_000);
		await kill();
		untrack(entry);
		if (ready.kind === 'canceled') return {kind: 'failed', failure: canceled()};
		const message =
			ready.kind === 'timeout'
				? `The practice registry container (${image}) did not answer on http://${host}/v2/ within ${seconds(context.timeoutMs)}.`
				: `The practice registry container (${image}) ${ready.why}.`;
		return failed(message, `Its log is below; \`${engine.bin} logs\` of a container started the same way shows the same.`, output(logs));
	}

	const stop = stopOnce(async () => {
		await kill();
		if (!options.keepData) await data.remove();
		untrack(entry);
	});
	return {kind: 'started', registry: {ok: true, host, accounts: context.accounts, dataDir: data.dir, how: 'container', program: id, stop}};
}

type Readiness = {readonly kind: 'ready'} | {readonly kind: 'timeout'} | {readonly kind: 'canceled'} | {readonly kind: 'stopped'; readonly why: string} | {readonly kind: 'open'; readonly why: string};

/** Poll GET /v2/ until it answers 401: up, and asking for a password. */
async function waitUntilReady(
	host: string,
	context: Context,
	gone: () => {stopped: string} | undefined | Promise<{stopped: string} | undefined>,
): Promise<Readiness> {
	const deadline = performance.now() + context.timeoutMs;
	for (;;) {
		if (context.options.signal?.aborted) return {kind: 'canceled'};
		const stopped = await gone();
		if (stopped) return {kind: 'stopped', why: stopped.stopped};
		const answer = await httpFetch(`http://${host}/v2/`, {signal: AbortSignal.timeout(2000)}).then(
			response => ({status: response.status, ours: (response.headers.get('www-authenticate') ?? '').includes(`realm="${context.data.realm}"`)}),
			() => undefined,
		);
		// Another server already on this port answers too: only our own realm counts.
		if (answer?.status === 401 && answer.ours) return {kind: 'ready'};
		if (answer?.status === 200) return {kind: 'open', why: `answered http://${host}/v2/ without asking for a password, so its accounts are not in force`};
		if (performance.now() > deadline) return {kind: 'timeout'};
		await sleep(50, context.options.signal);
	}
}

// ---------------------------------------------------------------------------
// Nothing is left running when the lab ends: on exit, and on SIGINT/SIGTERM/SIGHUP.

type Tracked = {readonly killSync: () => void; readonly removeSync: (() => void) | undefined};
const tracked = new Set<Tracked>();
const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let watching = false;

function track(entry: Tracked): Tracked {
	tracked.add(entry);
	if (!watching) {
		watching = true;
		process.on('exit', cleanUpNow);
		for (const signal of exitSignals) process.on(signal, onSignal);
	}
	return entry;
}

/** stop() may be called any number of times, at once or again later: the work runs once. */
function stopOnce(work: () => Promise<void>): () => Promise<void> {
	let stopping: Promise<void> | undefined;
	return () => (stopping ??= work());
}

function untrack(entry: Tracked): void {
	tracked.delete(entry);
	unwatchIfIdle();
}

function unwatchIfIdle(): void {
	if (tracked.size > 0 || !watching) return;
	watching = false;
	process.off('exit', cleanUpNow);
	for (const signal of exitSignals) process.off(signal, onSignal);
}

function cleanUpNow(): void {
	for (const entry of [...tracked]) {
		tracked.delete(entry);
		try {
			entry.killSync();
			entry.removeSync?.();
		} catch {
			// The process is going away: do what can be done.
		}
	}
}

/**
 * A listener on a signal replaces Node's default (exit). If nobody else listens, the signal
 * means the end: stop the registries, take our listener off and send the same signal again,
 * so the process ends as it would have. If someone else listens (as signal-exit does, which
 * we count out like it counts itself out), the decision is theirs, and 'exit' cleans up.
 */
function onSignal(signal: NodeJS.Signals): void {
	const signalExit = (globalThis as Record<symbol, {count?: unknown} | undefined>)[Symbol.for('signal-exit emitter')];
	const signalExitListeners = typeof signalExit?.count === 'number' ? signalExit.count : 0;
	const others = process.listenerCount(signal) - 1 - signalExitListeners;
	if (others > 0) return;
	cleanUpNow();
	unwatchIfIdle();
	process.kill(process.pid, signal);
}

// ---------------------------------------------------------------------------
// Small helpers

function failure(message: string, hint: string, log?: string): StartFailure {
	return {ok: false, message, hint, ...(log && log.trim().length > 0 ? {log} : {})};
}

function failed(message: string, hint: string, log?: string): Outcome {
	return {kind: 'failed', failure: failure(message, hint, log)};
}

function canceled(): StartFailure {
	return failure('Starting the practice registry was canceled.', 'Start it again when you are ready.');
}

function portTaken(port: number, log: string): StartFailure {
	return failure(`Port ${port} on 127.0.0.1 is already in use, so the practice registry cannot listen there.`, 'Choose another port, or leave the port out to get a free one.', log);
}

function output(result: CommandResult): string {
	return [result.stdout, result.stderr].filter(text => text.trim().length > 0).join('\n');
}

/** The last lines a process wrote, for a failure message. */
function logTail(maxLines = 60) {
	let lines: string[] = [];
	let pending = '';
	return {
		add(chunk: Buffer | string) {
			pending += chunk.toString();
			const parts = pending.split(/\r?\n/);
			pending = parts.pop() ?? '';
			lines.push(...parts.filter(line => line.length > 0));
			if (lines.length > maxLines) lines = lines.slice(-maxLines);
		},
		text: () => [...lines, ...(pending ? [pending] : [])].join('\n'),
	};
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise(resolve => {
		const timer = setTimeout(() => {
			child.off('exit', done);
			resolve(false);
		}, timeoutMs);
		function done() {
			clearTimeout(timer);
			resolve(true);
		}
		child.once('exit', done);
	});
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(finish, ms);
		signal?.addEventListener('abort', finish, {once: true});
		function finish() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', finish);
			resolve();
		}
	});
}

async function isExecutableFile(file: string): Promise<boolean> {
	try {
		await access(file, fsConstants.X_OK);
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}

function seconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
