import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readAccounts, readClassConfig} from '../../src/class/class-config-file.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, uniqueName} from '../helpers/engine.js';
import {portOpen} from '../helpers/registry.js';
import {freePort} from '../helpers/class-cli.js';

/** The real CLI from source, as an instructor runs it. */
const cli = (args: string[]) => runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', ...args], timeoutMs: 60_000});

let temp: string;
let dir: string;
let port: number;
let registry: ChildProcess | undefined;
let host: string;
const pushed: string[] = [];

async function password(username: string): Promise<string> {
	const accounts = await readAccounts(dir);
	if (!accounts.ok) throw new Error(accounts.problem);
	return accounts.value.find(account => account.username === username)!.password;
}

/** docker login with the password on stdin, into a login store of its own: the exit code and what docker said. */
async function login(username: string, secret: string): Promise<{exitCode: number; said: string}> {
	const config = await tempDockerConfig();
	try {
		const result = await runCommand({
			file: 'docker',
			args: ['login', host, '--username', username, '--password-stdin'],
			stdin: secret,
			env: config.env,
			timeoutMs: 60_000,
		});
		return {exitCode: result.exitCode ?? -1, said: result.stderr};
	} finally {
		await config.cleanup();
	}
}

async function push(username: string): Promise<string> {
	const reference = `${host}/${username}/${uniqueName('purge')}:1.0`;
	await makeTestImage(reference);
	pushed.push(reference);
	const config = await tempDockerConfig();
	try {
		const logged = await runCommand({
			file: 'docker',
			args: ['login', host, '--username', username, '--password-stdin'],
			stdin: await password(username),
			env: config.env,
			timeoutMs: 60_000,
		});
		expect(logged.exitCode, logged.stderr).toBe(0);
		const result = await runCommand({file: 'docker', args: ['push', reference], env: config.env, timeoutMs: 120_000});
		expect(result.exitCode, result.stderr).toBe(0);
	} finally {
		await config.cleanup();
	}
	return reference.slice(host.length + 1, reference.lastIndexOf(':'));
}

beforeAll(async () => {
	await requireEngine();
	temp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-e2e-'));
	dir = path.join(temp, 'period-3');
	port = await freePort();
	host = `127.0.0.1:${port}`;
	const roster = path.join(temp, 'roster.txt');
	await writeFile(roster, 'ana\nbob\n');
	const init = await cli(['class', 'init', '--roster', roster, '--dir', dir, '--address', '127.0.0.1', '--port', String(port)]);
	expect(init.exitCode, init.stderr).toBe(0);
	// The registry listens on every interface (bind 0.0.0.0) at the free port, with the class's own htpasswd.
	registry = spawn('docker-registry', ['serve', path.join(dir, 'registry.yml')], {stdio: 'ignore'});
	for (let tries = 0; tries < 100 && !(await portOpen(host)); tries++) await new Promise(resolve => setTimeout(resolve, 100));
	if (!(await portOpen(host))) throw new Error(`docker-registry did not start on ${host}: ${await readFile(path.join(dir, 'registry.yml'), 'utf8')}`);
});

afterAll(async () => {
	registry?.kill('SIGTERM');
	for (const reference of pushed) await removeImage(reference);
	if (temp) await rm(temp, {recursive: true, force: true});
});

describe('a class folder with the real registry', () => {
	it('a generated password logs in; after class password the old one fails and the new one works', async () => {
		const old = await password('ana');
		expect((await login('ana', old)).exitCode).toBe(0);
		expect((await login('ana', 'not-the-password')).exitCode).not.toBe(0);

		const changed = await cli(['class', 'password', 'ana', '--dir', dir]);
		expect(changed.exitCode, changed.stderr).toBe(0);
		const fresh = await password('ana');
		expect(changed.stdout).toContain(`New password for ana: ${fresh}`);
		const refused = await login('ana', old);
		expect(refused.exitCode).not.toBe(0);
		expect(refused.said).toMatch(/401|unauthorized/i);
		expect((await login('ana', fresh)).exitCode).toBe(0);
	});

	it('class remove --purge deletes every tag under the student and keeps a classmate’s', async () => {
		const anas = await push('ana');
		const bobs = await push('bob');
		const settings = await readClassConfig(dir);
		if (!settings.ok) throw new Error(settings.problem);
		const client = createRegistryClient({registry: host, credentials: {username: 'instructor', password: settings.value.instructorPassword}});
		expect(await client.listTags(anas)).toMatchObject({ok: true, tags: ['1.0']});

		const anaPassword = await password('ana');
		const removed = await cli(['class', 'remove', 'ana', '--purge', '--dir', dir]);
		expect(removed.exitCode, removed.stderr).toBe(0);
		expect(removed.stdout).toMatch(/Deleted 1 tag in 1 repository under ana\/ from the class registry/);
		const left = await client.listTags(anas);
		expect(left.ok ? left.tags : []).toEqual([]);
		expect(await client.headManifest(anas, '1.0')).toMatchObject({ok: false, reason: 'not-found'});
		expect(await client.headManifest(bobs, '1.0')).toMatchObject({ok: true});
		// ana's account is gone from the registry too; bob's still works.
		expect((await login('ana', anaPassword)).exitCode).not.toBe(0);
		expect((await login('bob', await password('bob'))).exitCode).toBe(0);
	});
});
