import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {engineCommand} from '../../src/container/commands.js';
import {tarOf} from '../../src/container/images.js';
import {findRegistryBinary, startPracticeRegistry, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {defaultRunsDir} from '../../src/registry/practice/run-records.js';
import {runCommand} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {dockerLogin, portOpen, startTestRegistry} from '../helpers/registry.js';

const alice = {username: 'alice', password: 'alice-pass-2468'};
const bob = {username: 'bob', password: 'bob-pass-1357'};
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: (() => Promise<unknown>)[] = [];

let registry: PracticeRegistry;

beforeAll(async () => {
	await requireEngine();
	registry = await startTestRegistry([alice, bob]);
});

afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await registry?.stop();
});

describe('a practice registry from the registry program on this computer', () => {
	it('asks for a password, and takes each account’s own and no other', async () => {
		expect(registry.how).toBe('binary');
		expect(registry.program).toBe(await findRegistryBinary());
		expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
		expect(registry.accounts).toEqual([alice, bob]);
		expect(existsSync(path.join(registry.dataDir, 'config.yml'))).toBe(true);
		const htpasswd = await readFile(path.join(registry.dataDir, 'auth', 'htpasswd'), 'utf8');
		expect(htpasswd).not.toContain(alice.password);
		// Chosen passwords get the full bcrypt cost.
		expect(htpasswd).toMatch(/^alice:\$2[aby]\$10\$/m);

		const anonymous = await fetch(`http://${registry.host}/v2/`);
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
		expect(await status(registry.host, alice)).toBe(200);
		expect(await status(registry.host, bob)).toBe(200);
		expect(await status(registry.host, {username: alice.username, password: bob.password})).toBe(401);
		expect(await status(registry.host, {username: 'carol', password: alice.password})).toBe(401);
	});

	it('takes a docker login and a push, and the registry then has the tag', async () => {
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		const repository = `alice/${uniqueName('pushed')}`;
		const image = `${registry.host}/${repository}:1.0`;
		await makeTestImage(image);
		cleanups.push(() => removeImage(image));

		await dockerLogin(config.env, registry.host, alice.username, alice.password);
		const stored = JSON.parse(await readFile(path.join(config.dir, 'config.json'), 'utf8')) as {auths: Record<string, unknown>};
		expect(Object.keys(stored.auths)).toContain(registry.host);
		const pushed = await runCommand(engineCommand(testEngine(config.env), ['push', image], {timeoutMs: 120_000}));
		expect(pushed.exitCode, pushed.stderr).toBe(0);

		const tags = await fetch(`http://${registry.host}/v2/${repository}/tags/list`, {headers: basic(bob)});
		expect(tags.status).toBe(200);
		expect(await tags.json()).toEqual({name: repository, tags: ['1.0']});
	});

	it('starts as "student" with a generated password when no account is given', async () => {
		const started = await startPracticeRegistry();
		if (!started.ok) throw new Error(`${started.message}\n${started.log ?? ''}`);
		cleanups.push(() => started.stop());
		expect(started.accounts).toHaveLength(1);
		const [student] = started.accounts;
		expect(student!.username).toBe('student');
		expect(student!.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
		// 80 random bits need no slow hash: a cheap one, which the registry checks on every request.
		expect(await readFile(path.join(started.dataDir, 'auth', 'htpasswd'), 'utf8')).toMatch(/^student:\$2[aby]\$05\$/);
		expect(await status(started.host, student)).toBe(200);
		expect(await status(started.host, {username: 'student', password: 'student'})).toBe(401);
		await started.stop();
	});

	it('runs a second registry alongside on another port, each with its own accounts', async () => {
		const second = await startTestRegistry([bob]);
		cleanups.push(() => second.stop());
		expect(second.host).not.toBe(registry.host);
		expect(second.dataDir).not.toBe(registry.dataDir);
		expect(await status(second.host, bob)).toBe(200);
		expect(await status(second.host, alice)).toBe(401);
		expect(await status(registry.host, alice)).toBe(200);
		await second.stop();
		expect(await status(registry.host, alice)).toBe(200);
	});

	it('stop() ends the process, closes the port and removes its files; twice is fine', async () => {
		const started = await startTestRegistry([alice]);
		const config = path.join(started.dataDir, 'config.yml');
		expect(await processesWith(config)).toHaveLength(1);
		expect(await portOpen(started.host)).toBe(true);

		await Promise.all([started.stop(), started.stop()]);
		await started.stop();
		expect(await portOpen(started.host)).toBe(false);
		expect(await processesWith(config)).toEqual([]);
		expect(existsSync(started.dataDir)).toBe(false);
	});

	it('keeps the data with keepData, and only its own files in a data dir it was given', async () => {
		const dataDir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-given-'));
		cleanups.push(() => rm(dataDir, {recursive: true, force: true}));
		await writeFile(path.join(dataDir, 'notes.txt'), 'mine');

		const kept = await startPracticeRegistry({dataDir, keepData: true, accounts: [alice]});
		if (!kept.ok) throw new Error(kept.message);
		expect(kept.dataDir).toBe(dataDir);
		await kept.stop();
		expect(existsSync(path.join(dataDir, 'auth', 'htpasswd'))).toBe(true);

		const removed = await startPracticeRegistry({dataDir, accounts: [alice]});
		if (!removed.ok) throw new Error(removed.message);
		await removed.stop();
		expect((await readdir(dataDir)).sort()).toEqual(['notes.txt']);
	});

	it('a program that is not a registry gives a failure that says so, quickly', async () => {
		const dataDir = path.join(os.tmpdir(), uniqueName('registry-lab-false'));
		const started = performance.now();
		const result = await startPracticeRegistry({binary: '/bin/false', dataDir});
		expect(performance.now() - started).toBeLessThan(5000);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.message).toMatch(/\/bin\/false.*stopped right after starting \(exit code 1\)/);
		expect(result.hint).toMatch(/distribution registry/);
		expect(existsSync(dataDir)).toBe(false);
	});

	it('a port that is taken gives a failure that names it', async () => {
		const port = Number(registry.host.split(':')[1]);
		const result = await startPracticeRegistry({port, accounts: [alice]});
		expect(result).toMatchObject({ok: false, message: expect.stringContaining(`Port ${port}`)});
		if (!result.ok) expect(result.log).toMatch(/address already in use/);
	});
});

describe('the registry is not left running when the lab is ended by a signal', () => {
	const cases = [
		{name: 'SIGINT, nothing else listening: the lab ends with 130, as a shell says it', signal: 'SIGINT', extra: '', ends: {code: 130, signal: null}},
		{
			name: 'SIGTERM while a command runs (execa’s signal-exit listens too): the lab still ends, with 143',
			signal: 'SIGTERM',
			extra: `void runCommand({file: 'sleep', args: ['60']});`,
			ends: {code: 143, signal: null},
		},
		{
			name: 'SIGHUP with a handler of the lab’s own: that handler decides (exit 7), and the registry still goes',
			signal: 'SIGHUP',
			extra: `process.on('SIGHUP', () => process.exit(7));`,
			ends: {code: 7, signal: null},
		},
	] as const;
	for (const {name, signal, extra, ends} of cases) {
		it(name, async () => {
			const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-signal-'));
			cleanups.push(() => rm(dir, {recursive: true, force: true}));
			const script = path.join(dir, 'lab.mts');
			const module = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, file)).href);
			await writeFile(
				script,
				[
					`import {startPracticeRegistry} from ${module('src/registry/practice-registry.ts')};`,
					`import {runCommand} from ${module('src/run/run-command.ts')};`,
					'const started = await startPracticeRegistry();',
					'if (!started.ok) { console.error(started.message); process.exit(3); }',
					extra,
					'console.log(JSON.stringify({host: started.host, dataDir: started.dataDir}));',
					'setInterval(() => {}, 1000);',
				].join('\n'),
			);
			const child = spawn(process.execPath, ['--import', 'tsx', script], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe']});
			let stderr = '';
			child.stderr.on('data', chunk => (stderr += String(chunk)));
			const ended = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve =>
				child.once('exit', (code, signal) => resolve({code, signal})),
			);
			const line = await new Promise<string>((resolve, reject) => {
				let stdout = '';
				child.stdout.on('data', chunk => {
					stdout += String(chunk);
					if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
				});
				void ended.then(({code}) => reject(new Error(`the lab exited (${code}) before its registry started: ${stderr}`)));
			});
			const {host, dataDir} = JSON.parse(line) as {host: string; dataDir: string};
			expect(await portOpen(host)).toBe(true);

			child.kill(signal);
			expect(await ended).toEqual(ends);
			expect(await portOpen(host)).toBe(false);
			expect(await processesWith(path.join(dataDir, 'config.yml'))).toEqual([]);
			expect(existsSync(dataDir)).toBe(false);
			// Cleaned up on the way out: no record is left for a later start to act on.
			expect((await readdir(defaultRunsDir())).filter(name => name.startsWith(`${child.pid}-`))).toEqual([]);
		});
	}
});

describe('what a practice registry leaves behind', () => {
	const loggedIn = async (configDir: string, host: string) =>
		Object.keys((JSON.parse(await readFile(path.join(configDir, 'config.json'), 'utf8')) as {auths?: object}).auths ?? {}).includes(host);

	it('stop() logs the student\'s engine out of it: the docker config no longer has the host', async () => {
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		const engine = testEngine(config.env);
		const started = await startPracticeRegistry({engine, accounts: [alice]});
		if (!started.ok) throw new Error(started.message);
		cleanups.push(() => started.stop());
		await dockerLogin(engine.env, started.host, alice.username, alice.password);
		expect(await loggedIn(config.dir, started.host)).toBe(true);
		await started.stop();
		expect(await loggedIn(config.dir, started.host)).toBe(false);
	});

	it('after a SIGKILL of the lab, the next start stops its registry, removes its files and login, and says so', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-orphan-'));
		cleanups.push(() => rm(dir, {recursive: true, force: true}));
		const runsDir = path.join(dir, 'runs');
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		const engine = testEngine(config.env);
		const script = path.join(dir, 'lab.mts');
		const module = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, file)).href);
		await writeFile(
			script,
			[
				`import {startPracticeRegistry} from ${module('src/registry/practice-registry.ts')};`,
				`const engine = {name: 'docker', bin: 'docker', env: process.env};`,
				`const accounts = [${JSON.stringify(alice)}];`,
				`const started = await startPracticeRegistry({runsDir: ${JSON.stringify(runsDir)}, engine, accounts});`,
				'if (!started.ok) { console.error(started.message); process.exit(3); }',
				'console.log(JSON.stringify({host: started.host, dataDir: started.dataDir}));',
				'setInterval(() => {}, 1000);',
			].join('\n'),
		);
		const child = spawn(process.execPath, ['--import', 'tsx', script], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: {...engine.env}});
		const ended = new Promise(resolve => child.once('exit', resolve));
		const line = await new Promise<string>((resolve, reject) => {
			let stdout = '';
			child.stdout.on('data', chunk => {
				stdout += String(chunk);
				if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
			});
			void ended.then(() => reject(new Error('the lab exited before its registry started')));
		});
		const orphan = JSON.parse(line) as {host: string; dataDir: string};
		await dockerLogin(engine.env, orphan.host, alice.username, alice.password);
		child.kill('SIGKILL');
		await ended;
		// SIGKILL runs no clean-up: all of it is still there.
		expect(await portOpen(orphan.host)).toBe(true);
		expect(await processesWith(path.join(orphan.dataDir, 'config.yml'))).toHaveLength(1);
		expect(existsSync(orphan.dataDir)).toBe(true);
		expect(await readdir(runsDir)).toHaveLength(1);

		// A record of a lab that is gone, naming a pid that is now some other program: that program is never killed.
		const stranger = spawn('sleep', ['60'], {stdio: 'ignore'});
		cleanups.push(async () => stranger.kill('SIGKILL'));
		const strangerDir = await mkdtemp(path.join(dir, 'stranger-data-'));
		await writeFile(
			path.join(runsDir, '999999999-feedbeef.json'),
			JSON.stringify({labPid: 999_999_999, startedAt: new Date().toISOString(), pid: stranger.pid, config: '/nowhere/config.yml', remove: [strangerDir]}),
		);

		const next = await startPracticeRegistry({runsDir, engine, accounts: [bob]});
		if (!next.ok) throw new Error(next.message);
		cleanups.push(() => next.stop());
		expect(next.notice).toMatch(/An earlier lab ended without stopping 2 practice registries \(.*127\.0\.0\.1:\d+.*\): it was stopped now/);
		expect(await portOpen(orphan.host)).toBe(false);
		expect(await processesWith(path.join(orphan.dataDir, 'config.yml'))).toEqual([]);
		expect(existsSync(orphan.dataDir)).toBe(false);
		expect(existsSync(strangerDir)).toBe(false);
		expect(stranger.exitCode === null && stranger.signalCode === null).toBe(true);
		expect(await loggedIn(config.dir, orphan.host)).toBe(false);
		// Only the record of the registry now running is left, and a clean stop removes it.
		expect(await readdir(runsDir)).toHaveLength(1);
		await next.stop();
		expect(await readdir(runsDir)).toEqual([]);
		const again = await startPracticeRegistry({runsDir, engine, accounts: [bob]});
		if (!again.ok) throw new Error(again.message);
		expect(again.notice).toBeUndefined();
		await again.stop();
	});
});

describe('without a registry program: the registry image through the engine', () => {
	const image = `registry-lab-test/registry:${uniqueName('e2e')}`;

	beforeAll(async () => {
		await makeRegistryImage(image);
		cleanups.push(() => removeImage(image));
	});

	it('runs the image on a loopback port with the accounts, and removes the container on stop()', async () => {
		const engine = testEngine();
		const started = await startPracticeRegistry({how: 'container', image, engine, accounts: [alice, bob]});
		if (!started.ok) throw new Error([started.message, started.hint, started.log].join('\n'));
		cleanups.push(() => started.stop());
		expect(started.how).toBe('container');
		expect(started.program).toMatch(/^[0-9a-f]{64}$/);
		expect(await status(started.host, undefined)).toBe(401);
		expect(await status(started.host, alice)).toBe(200);
		expect(await status(started.host, bob)).toBe(200);
		expect(await status(started.host, {username: 'alice', password: 'wrong'})).toBe(401);

		await started.stop();
		expect(await portOpen(started.host)).toBe(false);
		const inspected = await runCommand(engineCommand(engine, ['container', 'inspect', started.program]));
		expect(inspected.exitCode).not.toBe(0);
		expect(existsSync(started.dataDir)).toBe(false);
	});

	it('an image that is not here and cannot be pulled gives a failure with what to install', async () => {
		const result = await startPracticeRegistry({how: 'container', image: `registry-lab-nosuch/registry:${uniqueName('none')}`, engine: testEngine()});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.message).toMatch(/not here and could not be pulled/);
		expect(result.hint).toContain('sudo apt install docker-registry');
		expect(result.hint).toContain('registry:2');
	});
});

function basic(account: {username: string; password: string}): Record<string, string> {
	return {authorization: `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`};
}

async function status(host: string, account: {username: string; password: string} | undefined): Promise<number> {
	const response = await fetch(`http://${host}/v2/`, {headers: account ? basic(account) : {}});
	await response.body?.cancel();
	return response.status;
}


/** Pids of processes whose command line contains this text (Linux /proc). */
async function processesWith(text: string): Promise<number[]> {
	const pids: number[] = [];
	for (const entry of await readdir('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
		if (cmdline.split('\0').some(arg => arg.includes(text))) pids.push(Number(entry));
	}
	return pids;
}

/**
 * A stand-in for registry:2 made offline from the registry program on this computer: the
 * binary and its shared libraries, the image's default config, and its entrypoint, so the
 * container path runs exactly as it would with the real image.
 */
async function makeRegistryImage(reference: string): Promise<void> {
	const binary = await findRegistryBinary();
	if (!binary) throw new Error('The distribution registry is needed for this test: run scripts/ensure-engine.sh as root.');
	const ldd = await runCommand({file: 'ldd', args: [binary]});
	const libraries = [...ldd.stdout.matchAll(/(\/\S+) \(0x/g)].map(match => match[1]!);
	const defaultConfig = [
		'version: 0.1',
		'log:',
		'  fields:',
		'    service: registry',
		'storage:',
		'  cache:',
		'    blobdescriptor: inmemory',
		'  filesystem:',
		'    rootdirectory: /var/lib/registry',
		'http:',
		'  addr: :5000',
		'  headers:',
		'    X-Content-Type-Options: [nosniff]',
		'',
	].join('\n');
	const files = [
		{name: 'bin/registry', content: await readFile(binary), mode: 0o755},
		...(await Promise.all(libraries.map(async library => ({name: library.slice(1), content: await readFile(library), mode: 0o755})))),
		{name: 'etc/docker/registry/config.yml', content: Buffer.from(defaultConfig)},
	];
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-registry-image-'));
	try {
		const tar = path.join(dir, 'registry.tar');
		await writeFile(tar, tarOf(files));
		const changes = ['ENTRYPOINT ["/bin/registry", "serve"]', 'CMD ["/etc/docker/registry/config.yml"]', 'EXPOSE 5000'].flatMap(change => [
			'--change',
			change,
		]);
		const imported = await runCommand(engineCommand(testEngine(), ['import', ...changes, tar, reference], {timeoutMs: 120_000}));
		if (imported.exitCode !== 0) throw new Error(`Could not make the registry test image: ${imported.spawnError ?? imported.stderr}`);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}
