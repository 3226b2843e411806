import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {diagnose} from '../../src/container/diagnose.js';
import type {Cause} from '../../src/lesson/results.js';
import {findRegistryBinary, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {dockerLogin, startTestRegistry} from '../helpers/registry.js';

// Real failures, provoked with the real docker against a real registry on 127.0.0.1, and what
// diagnose() makes of what docker printed. The fixtures in test/fixtures hold such texts; these
// tests make sure they still come out of today's engine.

const alice = {username: 'alice', password: `pw-${randomBytes(9).toString('base64url')}`};
let registry: PracticeRegistry | undefined;
let config: Awaited<ReturnType<typeof tempDockerConfig>> | undefined;
const localRefs: string[] = [];

/** docker, with its logins in this file's own temp DOCKER_CONFIG (or the one given). */
const docker = async (args: string[], options: {stdin?: string; env?: Record<string, string>} = {}): Promise<CommandResult> =>
	runCommand({file: 'docker', args, env: options.env ?? config!.env, timeoutMs: 120_000, ...(options.stdin === undefined ? {} : {stdin: options.stdin})});

/** What the student would paste: everything docker printed. */
const textOf = (result: CommandResult): string => `${result.stdout}\n${result.stderr}`.trim();

/** A command that must fail, and the cause diagnose() finds in its words (the text is in the message when it does not match). */
async function causeOf(args: string[], options: {env?: Record<string, string>; stdin?: string} = {}): Promise<{cause: Cause; text: string}> {
	const result = await docker(args, options);
	const text = textOf(result);
	expect(result.exitCode, `docker ${args.join(' ')} should fail, but said: ${text}`).not.toBe(0);
	const diagnosis = diagnose(text, {command: `docker ${args.filter(arg => arg !== '--password-stdin').join(' ')}`, registry: registry!.host});
	return {cause: diagnosis.cause, text};
}

async function expectCause(args: string[], cause: Cause, options: {env?: Record<string, string>; stdin?: string} = {}): Promise<string> {
	const found = await causeOf(args, options);
	expect(found.cause, `docker said: ${found.text}`).toBe(cause);
	return found.text;
}

async function localImage(repository: string): Promise<string> {
	const reference = `${registry!.host}/alice/${uniqueName(repository)}:1.0`;
	await makeTestImage(reference, {engine: testEngine(config!.env)});
	localRefs.push(reference);
	return reference;
}

beforeAll(async () => {
	await requireEngine();
	config = await tempDockerConfig();
	registry = await startTestRegistry([alice]);
});

afterAll(async () => {
	await registry?.stop();
	for (const reference of localRefs) await removeImage(reference).catch(() => undefined);
	await config?.cleanup();
});

describe('diagnose() on what the real docker says', () => {
	it('docker login with the wrong password -> login-failed', async () => {
		await expectCause(['login', registry!.host, '--username', alice.username, '--password-stdin'], 'login-failed', {stdin: 'not-the-password'});
	});

	it('docker push without a login -> not-logged-in', async () => {
		const reference = await localImage('no-login');
		await expectCause(['push', reference], 'not-logged-in');
	});

	it('docker push of a tag that is not on this computer -> local-image-missing', async () => {
		await expectCause(['push', `${registry!.host}/alice/${uniqueName('never-made')}:1.0`], 'local-image-missing');
	});

	it('docker tag of an image that does not exist -> local-image-missing', async () => {
		await expectCause(['tag', `${uniqueName('no-such-image')}:1.0`, `${registry!.host}/alice/${uniqueName('copy')}:1.0`], 'local-image-missing');
	});

	it('docker pull of a tag that is not in the registry (logged in) -> image-not-found', async () => {
		const made = await tempDockerConfig();
		try {
			await dockerLogin(made.env, registry!.host, alice.username, alice.password);
			await expectCause(['pull', `${registry!.host}/alice/${uniqueName('never-pushed')}:1.0`], 'image-not-found', {env: made.env});
		} finally {
			await made.cleanup();
		}
	});

	it.each([
		{what: 'uppercase letters (docker pull)', args: ['pull', 'Alice/Demo:1.0']},
		{what: 'a space (docker tag)', args: ['tag', 'alpine', 'my app:1.0']},
		{what: '64 hex characters (docker push)', args: ['push', 'a'.repeat(64)]},
	])('an image name with $what -> invalid-reference', async ({args}) => {
		await expectCause(args, 'invalid-reference');
	});

	it('DOCKER_HOST pointing at a socket that does not exist -> daemon-unreachable', async () => {
		await expectCause(['images'], 'daemon-unreachable', {env: {...config!.env, DOCKER_HOST: 'unix:///tmp/registry-lab-nope.sock'}});
	});
});

describe('registry-lab diagnose --json on a real docker message', () => {
	it('explains a real failed login and exits 0', async () => {
		const login = await docker(['login', registry!.host, '--username', alice.username, '--password-stdin'], {stdin: 'not-the-password'});
		expect(login.exitCode).not.toBe(0);
		const text = textOf(login);
		const piped = await runCommand({
			file: process.execPath,
			args: ['--import', 'tsx', 'src/main.ts', 'diagnose', '--json', '--command', 'docker login', '--registry', registry!.host],
			stdin: text,
			timeoutMs: 30_000,
		});
		expect(piped.exitCode, piped.stderr).toBe(0);
		const json = JSON.parse(piped.stdout) as {cause: string; title: string; hint: string};
		expect(json.cause).toBe('login-failed');
		expect(json.title.length).toBeGreaterThan(0);
		expect(json.hint.length).toBeGreaterThan(0);
		const given = await runCommand({
			file: process.execPath,
			args: ['--import', 'tsx', 'src/main.ts', 'diagnose', '--json', '--text', text],
			timeoutMs: 30_000,
		});
		expect(JSON.parse(given.stdout)).toMatchObject({cause: 'login-failed'});
	});
});

// Last: these stop registries.
describe('diagnose() when the registry is gone or speaks the wrong protocol', () => {
	it('docker push after the registry stopped -> network', async () => {
		const made = await tempDockerConfig();
		try {
			await dockerLogin(made.env, registry!.host, alice.username, alice.password);
			const reference = await localImage('after-stop');
			await registry!.stop();
			await expectCause(['push', reference], 'network', {env: made.env});
		} finally {
			await made.cleanup();
		}
	});

	it('docker login to a plain-HTTP registry on ::1 -> http-vs-https (docker only trusts 127.0.0.0/8 with plain HTTP)', async context => {
		const binary = await findRegistryBinary();
		if (binary === null) throw new Error('No registry program (docker-registry) on PATH: run scripts/ensure-engine.sh as root.');
		const {child, host, cleanup} = await startPlainRegistryOnIpv6(binary);
		try {
			const login = await docker(['login', host, '--username', 'alice', '--password-stdin'], {stdin: 'anything'});
			// A docker that also takes ::1 as a plain-HTTP registry logs in fine: then this case cannot be made on one computer.
			if (login.exitCode === 0) context.skip();
			const text = textOf(login);
			expect(text).toMatch(/server gave HTTP response to HTTPS client/);
			expect(diagnose(text, {command: 'docker login', registry: host}).cause, text).toBe('http-vs-https');
		} finally {
			child.kill('SIGKILL');
			await cleanup();
		}
	});
});

/** The distribution registry without accounts, in plain HTTP on [::1]:PORT. */
async function startPlainRegistryOnIpv6(binary: string): Promise<{child: ChildProcess; host: string; cleanup: () => Promise<void>}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-v6-registry-'));
	const port = await freeIpv6Port();
	const host = `[::1]:${port}`;
	await writeFile(
		path.join(dir, 'config.yml'),
		`version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'storage')}\nhttp:\n  addr: "${host}"\n`,
	);
	const child = spawn(binary, ['serve', path.join(dir, 'config.yml')], {stdio: 'ignore'});
	const cleanup = async () => rm(dir, {recursive: true, force: true});
	for (let tries = 0; tries < 100; tries++) {
		const answered = await fetch(`http://${host}/v2/`).then(
			reply => reply.status === 200,
			() => false,
		);
		if (answered) return {child, host, cleanup};
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	child.kill('SIGKILL');
	await cleanup();
	throw new Error(`The registry on ${host} did not start within 10 seconds.`);
}

async function freeIpv6Port(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '::1', resolve);
	});
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}
