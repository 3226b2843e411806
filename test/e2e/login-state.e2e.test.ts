import {spawn, type ChildProcess} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {engineCommand} from '../../src/container/commands.js';
import type {Engine} from '../../src/container/engine.js';
import {listLogins, readLoginState, readStoredCredentials} from '../../src/container/login-state.js';
import {runCommand} from '../../src/run/run-command.js';
import {argvRecorder} from '../helpers/argv-log.js';

const user = {username: 'lab-student', password: 'e2e-pass-7319'};
let root: string;
let host: string;
let registry: ChildProcess | undefined;
let podmanWorks = false;

const stopRegistry = () => registry?.kill('SIGKILL');

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer().once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** A real distribution registry with one htpasswd account, on a free loopback port. */
async function startRegistry(): Promise<void> {
	const htpasswd = await runCommand({file: 'htpasswd', args: ['-Bbn', user.username, user.password]});
	if (htpasswd.exitCode !== 0) throw new Error(`htpasswd is needed for this test and did not work: ${htpasswd.spawnError ?? htpasswd.stderr}`);
	await writeFile(path.join(root, 'htpasswd'), htpasswd.stdout + '\n');
	host = `127.0.0.1:${await freePort()}`;
	const config =
		`version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${root}/data}}\n` +
		`http: {addr: "${host}"}\nauth: {htpasswd: {realm: lab, path: ${root}/htpasswd}}\n`;
	await writeFile(path.join(root, 'registry.yml'), config);
	registry = spawn('/usr/bin/docker-registry', ['serve', path.join(root, 'registry.yml')], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	registry.stderr?.on('data', chunk => (stderr += String(chunk)));
	process.once('exit', stopRegistry);
	for (let tries = 0; tries < 100; tries++) {
		if (registry.exitCode !== null) break;
		const answer = await fetch(`http://${host}/v2/`).catch(() => undefined);
		if (answer?.status === 401) return;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error(`docker-registry did not start on ${host}: ${stderr || 'no answer within 10 seconds'}`);
}

beforeAll(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-login-e2e-'));
	const docker = await runCommand({file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], timeoutMs: 20_000});
	if (docker.exitCode !== 0) throw new Error(`These tests need a working docker (CLI and daemon): ${docker.spawnError ?? docker.stderr}`);
	const served = await runCommand({file: '/usr/bin/docker-registry', args: ['--version']});
	if (served.exitCode !== 0) throw new Error(`These tests need /usr/bin/docker-registry (the distribution registry): ${served.spawnError ?? served.stderr}`);
	await startRegistry();
	const podman = await runCommand({file: 'podman', args: ['--version']});
	podmanWorks = podman.exitCode === 0;
});

afterAll(async () => {
	process.off('exit', stopRegistry);
	stopRegistry();
	await rm(root, {recursive: true, force: true});
});

/** An engine whose logins live only in a temp dir of this test. */
async function isolated(name: 'docker' | 'podman', label: string): Promise<Engine> {
	const dir = path.join(root, label);
	await mkdir(path.join(dir, 'docker'), {recursive: true});
	const env = {
		DOCKER_CONFIG: path.join(dir, 'docker'),
		REGISTRY_AUTH_FILE: path.join(dir, 'auth.json'),
		XDG_CONFIG_HOME: path.join(dir, 'xdg'),
		HOME: dir,
		PATH: process.env.PATH,
	};
	return name === 'docker' ? {name, bin: 'docker', env} : {name, bin: 'podman', env, globalArgs: ['--storage-driver', 'vfs']};
}

async function login(engine: Engine, extra: string[] = []) {
	const result = await runCommand(
		engineCommand(engine, ['login', ...extra, host, '--username', user.username, '--password-stdin'], {stdin: user.password, timeoutMs: 60_000}),
	);
	expect(result.exitCode, `${engine.name} login failed: ${result.stderr}`).toBe(0);
}

async function logout(engine: Engine) {
	const result = await runCommand(engineCommand(engine, ['logout', host], {timeoutMs: 30_000}));
	expect(result.exitCode, `${engine.name} logout failed: ${result.stderr}`).toBe(0);
}

describe('docker login against a real registry', () => {
	it('sees the login docker stored in the file, and its removal by docker logout', async () => {
		const engine = await isolated('docker', 'docker-file');
		expect(await readLoginState(engine, host)).toMatchObject({loggedIn: false});
		await login(engine);
		const state = await readLoginState(engine, host);
		expect(state).toEqual({
			loggedIn: true,
			registry: host,
			username: user.username,
			store: {kind: 'file'},
			configPath: path.join(engine.env.DOCKER_CONFIG!, 'config.json'),
		});
		expect(JSON.stringify(state)).not.toContain(user.password);
		expect(await readStoredCredentials(engine, host)).toEqual(user);
		expect((await listLogins(engine)).registries).toEqual([{registry: host, username: user.username, store: {kind: 'file'}}]);

		// The stored credentials really open the registry.
		const basic = Buffer.from(`${user.username}:${user.password}`).toString('base64');
		expect((await fetch(`http://${host}/v2/`, {headers: {authorization: `Basic ${basic}`}})).status).toBe(200);

		await logout(engine);
		expect(await readLoginState(engine, host)).toMatchObject({loggedIn: false, registry: host});
		expect(await readStoredCredentials(engine, host)).toBeNull();
	});

	it('sees a login docker gave to a credential helper, asking it only for its list', async () => {
		const engine = await isolated('docker', 'docker-helper');
		const bin = path.join(root, 'docker-helper', 'bin');
		const kept = path.join(root, 'docker-helper', 'kept.json');
		const argvLog = path.join(root, 'docker-helper', 'argv.log');
		await mkdir(bin);
		// A stand-in password program: remembers who logged in where (the secret is thrown away) and logs each call.
		const program = `#!${process.execPath}
const fs = require('node:fs');
const action = process.argv[2];
fs.appendFileSync(${JSON.stringify(argvLog)}, action + '\\n');
const input = fs.readFileSync(0, 'utf8');
const kept = fs.existsSync(${JSON.stringify(kept)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(kept)}, 'utf8')) : {};
if (action === 'store') { const c = JSON.parse(input); kept[c.ServerURL] = c.Username; }
else if (action === 'erase') delete kept[input.trim()];
else if (action === 'list') process.stdout.write(JSON.stringify(kept));
else { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
fs.writeFileSync(${JSON.stringify(kept)}, JSON.stringify(kept));
`;
		await writeFile(path.join(bin, 'docker-credential-labtest'), program);
		await chmod(path.join(bin, 'docker-credential-labtest'), 0o755);
		const withHelper: Engine = {...engine, env: {...engine.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`}};
		await writeFile(path.join(withHelper.env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({credsStore: 'labtest'}));

		await login(withHelper);
		const config = JSON.parse(await readFile(path.join(withHelper.env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as {auths: Record<string, unknown>};
		expect(config.auths[host]).toEqual({});
		expect(await readLoginState(withHelper, host)).toMatchObject({
			loggedIn: true,
			username: user.username,
			store: {kind: 'helper', helper: 'labtest', program: 'docker-credential-labtest'},
		});
		expect(await readStoredCredentials(withHelper, host)).toBeNull();
		const ourCalls = (await readFile(argvLog, 'utf8')).split('\n').filter(Boolean);
		expect(ourCalls).toEqual(['store', 'list']);

		await logout(withHelper);
		expect(await readLoginState(withHelper, host)).toMatchObject({loggedIn: false});
	});
});

describe('podman login against a real registry', () => {
	it('sees podman’s login through podman login --get-login and its auth file', async () => {
		expect(podmanWorks, 'podman is not installed here').toBe(true);
		const recorder = await argvRecorder('podman');
		const engine = {...(await isolated('podman', 'podman')), bin: recorder.bin};
		expect(await readLoginState(engine, host)).toMatchObject({loggedIn: false});
		// podman, unlike docker, wants HTTPS even on 127.0.0.1 unless told otherwise.
		await login(engine, ['--tls-verify=false']);
		const state = await readLoginState(engine, host);
		expect(state).toEqual({loggedIn: true, registry: host, username: user.username, store: {kind: 'file'}, configPath: engine.env.REGISTRY_AUTH_FILE});
		expect(JSON.stringify(state)).not.toContain(user.password);
		expect(await readStoredCredentials(engine, host)).toEqual(user);
		// podman itself was asked, not only its files read.
		expect(await recorder.argvLog()).toContain(`--storage-driver vfs login --get-login ${host}`);

		await logout(engine);
		expect(await readLoginState(engine, host)).toMatchObject({
			loggedIn: false,
			reason: `Podman has no saved login for ${host} (logins are kept in ${engine.env.REGISTRY_AUTH_FILE}).`,
		});
		expect(await readStoredCredentials(engine, host)).toBeNull();
	});

	it('sees, as podman does, a docker login when podman has none of its own', async () => {
		const engine = await isolated('podman', 'podman-fallback');
		await login({name: 'docker', bin: 'docker', env: engine.env});
		expect(await readLoginState(engine, host)).toMatchObject({
			loggedIn: true,
			username: user.username,
			configPath: path.join(engine.env.DOCKER_CONFIG!, 'config.json'),
		});
	});
});
