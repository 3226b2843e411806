/** Running the distribution registry program (`registry serve config.yml`) on this computer. */
import {spawn, type ChildProcess} from 'node:child_process';
import {constants as fsConstants} from 'node:fs';
import {access, stat, writeFile} from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import {untrack} from './clean-up.js';
import {
	canceled,
	failure,
	installHint,
	lowerFirst,
	portInUse,
	practiceHost,
	seconds,
	startedRegistry,
	trackRun,
	type Context,
	type Outcome,
} from './outcome.js';
import {waitUntilReady} from './readiness.js';

/** The distribution registry program: `registry` or `docker-registry` on PATH, or Debian's /usr/bin/docker-registry. */
export async function findRegistryBinary(env: Record<string, string | undefined> = process.env): Promise<string | null> {
	const dirs = (env.PATH ?? '').split(path.delimiter).filter(dir => dir.length > 0);
	const candidates = [...['registry', 'docker-registry'].flatMap(name => dirs.map(dir => path.join(dir, name))), '/usr/bin/docker-registry'];
	for (const candidate of candidates) if (await isExecutableFile(candidate)) return candidate;
	return null;
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

export async function startBinary(context: Context, binary: string, port: number): Promise<Outcome> {
	const {data} = context;
	const host = practiceHost(port);
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
	const entry = trackRun(context, host, killSync);
	if (child.pid !== undefined) context.record.started({host, pid: child.pid, config: data.config, engine: context.engine});
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
		if (child.exitCode !== null || child.signalCode !== null) {
			return {stopped: `stopped right after starting (${child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode})`};
		}
		return undefined;
	});
	if (ready.kind !== 'ready') {
		await kill();
		untrack(entry);
		const text = log.text();
		if (ready.kind === 'stopped' && portInUse.test(text)) return {kind: 'port-taken', log: text};
		if (ready.kind === 'canceled') return {kind: 'failed', failure: canceled()};
		const what = `The practice registry (${binary})`;
		const message =
			ready.kind === 'timeout' ? `${what} did not answer on http://${host}/v2/ within ${seconds(context.timeoutMs)}.` : `${what} ${ready.why}.`;
		const hint =
			text.trim().length > 0
				? 'Its last lines are below: they usually name the problem (a port in use, a file it cannot read, a bad setting).'
				: `Check that ${binary} is the distribution registry (\`${binary} --version\` names github.com/docker/distribution), ` +
					`or ${lowerFirst(installHint)}`;
		return {kind: 'failed', failure: failure(message, hint, text)};
	}

	return startedRegistry(context, {host, how: 'binary', program: binary, kill, entry});
}

/** The last lines a process wrote, for a failure message. */
function logTail(maxLines = 60) {
	let lines: string[] = [];
	let pending = '';
	return {
		add: (chunk: Buffer | string) => {
			pending += chunk.toString();
			const parts = pending.split(/\r?\n/);
			pending = parts.pop() ?? '';
			lines.push(...parts.filter(line => line.length > 0));
			if (lines.length > maxLines) lines = lines.slice(-maxLines);
		},
		text: () => [...lines, ...(pending ? [pending] : [])].join('\n'),
	};
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

async function isExecutableFile(file: string): Promise<boolean> {
	try {
		await access(file, fsConstants.X_OK);
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}
