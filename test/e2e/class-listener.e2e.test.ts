import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {access, constants, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {writeClassConfig} from '../../src/class/class-config-file.js';
import type {ClassConfig, ClassRecord, RegistryRecord} from '../../src/class/class-types.js';
import {classRegistryConfig} from '../../src/class/registry-config.js';
import {generatedPasswordCost, htpasswdLine} from '../../src/registry/htpasswd.js';
import {runCommand} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {dockerLogin} from '../helpers/registry.js';
import {classRecords, freePort} from '../helpers/class-cli.js';

// The real distribution registry notifies the listener (run as `registry-lab class listen`), and real docker pushes and pulls.
const registryBinary = '/usr/bin/docker-registry';
const alice = {username: 'alice', password: `pw-${randomBytes(9).toString('base64url')}`};
const bob = {username: 'bob', password: `pw-${randomBytes(9).toString('base64url')}`};
const started: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
let dir = '';
let registryHost = '';
let listener: ChildProcess | undefined;
let listenerOut = '';
let listenerErr = '';

const kill = () => {
	for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

/** Wait until `ready` says yes, a bounded time: the registry's notifications are sent after its answer. */
async function waitUntil<T>(what: string, ready: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await ready();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(`Waited ${timeoutMs / 1000} s for ${what}.\nlistener stdout: ${listenerOut}\nlistener stderr: ${listenerErr}`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

const records = (): Promise<ClassRecord[]> => classRecords(dir);

beforeAll(async () => {
	await requireEngine();
	const present = await access(registryBinary, constants.X_OK).then(
		() => true,
		() => false,
	);
	if (!present) throw new Error(`This test needs the distribution registry at ${registryBinary}: run scripts/ensure-engine.sh as root.`);
	process.once('exit', kill);

	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-listener-e2e-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	const [registryPort, listenerPort] = [await freePort(), await freePort()];
	registryHost = `127.0.0.1:${registryPort}`;
	const config: ClassConfig = {
		version: 1,
		kind: 'registry',
		name: 'e2e class',
		lesson: 'registries',
		address: '127.0.0.1',
		bind: '127.0.0.1',
		port: registryPort,
		listenerPort,
		tls: false,
		notifySecret: randomBytes(24).toString('base64url'),
		httpSecret: randomBytes(24).toString('base64url'),
		instructorPassword: randomBytes(12).toString('base64url'),
	};
	await writeClassConfig(dir, config);
	const accounts = [alice, bob].map(account => htpasswdLine(account.username, account.password, generatedPasswordCost));
	await writeFile(path.join(dir, 'htpasswd'), `${accounts.join('\n')}\n`, {mode: 0o600});
	await mkdir(path.join(dir, 'storage'));
	await writeFile(
		path.join(dir, 'registry.yml'),
		classRegistryConfig({
			listen: registryHost,
			storage: path.join(dir, 'storage'),
			htpasswd: path.join(dir, 'htpasswd'),
			httpSecret: config.httpSecret,
			notifyUrl: `http://127.0.0.1:${listenerPort}/events`,
			notifySecret: config.notifySecret,
			realm: 'registry-lab e2e class',
		}),
	);

	// The listener, as class up runs it.
	listener = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'class', 'listen', '--dir', dir], {stdio: ['ignore', 'pipe', 'pipe']});
	started.push(listener);
	listener.stdout?.setEncoding('utf8').on('data', (chunk: string) => (listenerOut += chunk));
	listener.stderr?.setEncoding('utf8').on('data', (chunk: string) => (listenerErr += chunk));
	await waitUntil('the listener to answer /health', async () => {
		const answer = await fetch(`http://127.0.0.1:${listenerPort}/health`).then(
			response => (response.ok ? response.json() : undefined),
			() => undefined,
		);
		return answer as unknown;
	});

	const registry = spawn(registryBinary, ['serve', path.join(dir, 'registry.yml')], {stdio: ['ignore', 'ignore', 'pipe']});
	started.push(registry);
	let registryLog = '';
	registry.stderr?.on('data', chunk => (registryLog += String(chunk)));
	await waitUntil(`the registry on ${registryHost} (${registryLog})`, async () => {
		const status = await fetch(`http://${registryHost}/v2/`).then(
			answer => answer.status,
			() => 0,
		);
		return status === 401 ? true : undefined;
	});
});

afterAll(async () => {
	process.off('exit', kill);
	kill();
	for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('the class listener with the real registry and docker', () => {
	it('keeps one push record for alice and a pull record for bob, and no blob records', async () => {
		const reference = `${registryHost}/alice/${uniqueName('hello')}:1.0`;
		const repository = reference.slice(registryHost.length + 1, -':1.0'.length);
		cleanups.push(() => removeImage(reference));
		await makeTestImage(reference);

		const aliceDocker = await tempDockerConfig();
		cleanups.push(aliceDocker.cleanup);
		await dockerLogin(aliceDocker.env, registryHost, alice.username, alice.password);
		const pushed = await runCommand({file: 'docker', args: ['push', reference], env: {...testEngine().env, ...aliceDocker.env}, timeoutMs: 120_000});
		expect(pushed.exitCode, pushed.stderr).toBe(0);
		const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1];
		expect(digest).toBeDefined();
		await removeImage(reference);

		const bobDocker = await tempDockerConfig();
		cleanups.push(bobDocker.cleanup);
		await dockerLogin(bobDocker.env, registryHost, bob.username, bob.password);
		const pulled = await runCommand({file: 'docker', args: ['pull', reference], env: {...testEngine().env, ...bobDocker.env}, timeoutMs: 120_000});
		expect(pulled.exitCode, pulled.stderr).toBe(0);

		const registryRecords = async () => (await records()).filter((record): record is RegistryRecord => record.type === 'registry');
		await waitUntil('the push and the pull in events.jsonl', async () => {
			const kept = await registryRecords();
			return kept.some(record => record.action === 'push') && kept.some(record => record.action === 'pull' && record.actor === 'bob') ? true : undefined;
		});
		const kept = await registryRecords();
		const pushes = kept.filter(record => record.action === 'push');
		expect(pushes).toEqual([expect.objectContaining({actor: 'alice', repository, tag: '1.0', digest, method: 'PUT'})]);
		expect(kept.filter(record => record.action === 'pull' && record.actor === 'bob').length).toBeGreaterThanOrEqual(1);
		for (const record of kept) {
			expect(record.repository).toBe(repository);
			// A manifest's digest, never a layer's: every record names the one manifest pushed.
			expect(record.digest).toBe(digest);
		}
		expect(await readFile(path.join(dir, 'listener.log'), 'utf8')).toBe('');
	});

	it('stops on SIGTERM (exit 143), leaving events.jsonl as it was', async () => {
		const before = await readFile(path.join(dir, 'events.jsonl'), 'utf8');
		const exited = new Promise<number | null>(resolve => listener?.once('exit', code => resolve(code)));
		listener?.kill('SIGTERM');
		expect(await exited).toBe(143);
		expect(listenerOut).toMatch(/^The class listener of e2e class listens on http:\/\/127\.0\.0\.1:\d+ \(ctrl\+c stops it\)\.\n$/);
		expect(listenerErr).toBe('');
		expect(await readFile(path.join(dir, 'events.jsonl'), 'utf8')).toBe(before);
	});
});
