import {randomBytes} from 'node:crypto';
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {engineCommand, importArgs} from '../../src/container/commands.js';
import type {Engine} from '../../src/container/engine.js';
import {tarOf} from '../../src/container/images.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {isAlive} from '../../src/run/process-alive.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Docker, as the app would drive it, but with its logins in a temp DOCKER_CONFIG of its own
 * (the one in `env` when given) so a test never reads or writes the real ~/.docker.
 */
export const testEngine = (env?: Env): Engine => {
	const own = env?.DOCKER_CONFIG ? {} : {DOCKER_CONFIG: sharedDockerConfig()};
	return {name: 'docker', bin: 'docker', env: {...process.env, ...env, ...own}};
};

let shared: string | undefined;
const sharedPrefix = 'registry-lab-test-docker-config-';

/**
 * One empty login store for every testEngine() of this test process. Test workers do not
 * always get to run 'exit' handlers, so each new one also removes those of processes gone.
 */
function sharedDockerConfig(): string {
	if (shared !== undefined) return shared;
	for (const entry of readdirSync(os.tmpdir())) {
		const pid = Number(entry.slice(sharedPrefix.length));
		if (entry.startsWith(sharedPrefix) && Number.isInteger(pid) && !isAlive(pid)) rmSync(path.join(os.tmpdir(), entry), {recursive: true, force: true});
	}
	const dir = path.join(os.tmpdir(), `${sharedPrefix}${process.pid}`);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	writeFileSync(path.join(dir, 'config.json'), '{"auths": {}}\n');
	process.once('exit', () => rmSync(dir, {recursive: true, force: true}));
	shared = dir;
	return dir;
}


/** A fresh, empty docker (and podman) login store, and the environment that points at it. */
export async function tempDockerConfig(): Promise<{dir: string; env: Record<string, string>; cleanup: () => Promise<void>}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-docker-config-'));
	// No credsStore: logins land in config.json, where the tests and the lab can see them.
	await writeFile(path.join(dir, 'config.json'), '{"auths": {}}\n');
	return {
		dir,
		env: {DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: path.join(dir, 'auth.json')},
		cleanup: () => rm(dir, {recursive: true, force: true}),
	};
}

const runId = randomBytes(4).toString('hex');
let counter = 0;

/** A name no other test (or earlier run) uses: lowercase, valid as a repository path component. */
export function uniqueName(prefix: string): string {
	counter += 1;
	return `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${runId}-${counter}`;
}

/**
 * Make an image offline: a tar of one small random file (so every image is distinct),
 * or `sizeBytes` of random data for benchmarks, imported with `docker import FILE REF`
 * (runCommand's stdin is text, so the tar goes as a file argument).
 */
export async function makeTestImage(reference: string, options: {sizeBytes?: number; engine?: Engine} = {}): Promise<{reference: string; id: string}> {
	const engine = options.engine ?? testEngine();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-test-image-'));
	try {
		const file = path.join(dir, 'image.tar');
		const files = [
			{name: 'hello.txt', content: Buffer.from(`registry-lab test image ${reference}\n`)},
			{name: 'random.bin', content: randomBytes(options.sizeBytes ?? 256)},
		];
		await writeFile(file, tarOf(files));
		const imported = await runCommand(engineCommand(engine, importArgs(file, reference), {timeoutMs: 300_000}));
		if (imported.exitCode !== 0) throw new Error(`Could not make the test image ${reference}: ${said(imported)}`);
		return {reference, id: imported.stdout.trim().split('\n').pop() ?? ''};
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

/** Remove a local image (tag); fine if it is not there. */
export async function removeImage(reference: string, engine: Engine = testEngine()): Promise<void> {
	const removed = await runCommand(engineCommand(engine, ['image', 'rm', '--force', reference], {timeoutMs: 60_000}));
	if (removed.exitCode !== 0 && !/no such image|image not known/i.test(removed.stderr)) {
		throw new Error(`Could not remove the image ${reference}: ${said(removed)}`);
	}
}

export async function imageExists(reference: string, engine: Engine = testEngine()): Promise<boolean> {
	const inspected = await runCommand(engineCommand(engine, ['image', 'inspect', '--format', '{{.Id}}', reference], {timeoutMs: 30_000}));
	return inspected.exitCode === 0;
}

/** End-to-end tests need a running docker: without one they fail, with what to do. */
export async function requireEngine(): Promise<void> {
	const version = await runCommand({file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], timeoutMs: 30_000});
	if (version.exitCode !== 0 || version.stdout.trim().length === 0) {
		throw new Error(`docker is not running: run scripts/ensure-engine.sh as root (docker said: ${said(version)})`);
	}
}

function said(result: CommandResult): string {
	return result.spawnError ?? ([result.stderr, result.stdout].find(text => text.trim().length > 0)?.trim() || `exit code ${result.exitCode}`);
}
