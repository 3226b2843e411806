// A class registry in plain HTTP on a classroom address, as students meet it: the real docker
// (and podman) refuse it until it is listed as insecure, and the lab says exactly what to change.
//
// docker treats every loopback address as plain HTTP, so the registry here is on an address of
// a network namespace this file makes (and removes): `ip netns add`, a veth pair with a /30 of
// 10.x that no address or route of this computer uses, and the real docker-registry inside it.
// No traffic goes to any address but that one.
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes, randomInt} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {diagnose, type DiagnoseContext} from '../../src/container/diagnose.js';
import type {Engine} from '../../src/container/engine.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {findRegistryBinary} from '../../src/registry/practice-registry.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {whatToDoLines} from '../../src/text/what-to-do.js';
import {App} from '../../src/ui/app.js';
import real from '../fixtures/engine-errors-real.json' with {type: 'json'};
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine} from '../helpers/engine.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli} from '../helpers/plain-cli.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

const refusal = 'http: server gave HTTP response to HTTPS client';

/** The namespace, its veth pair and the registry in it; each part is set once it exists, for afterAll. */
const made: {namespace?: string; hostVeth?: string; registry?: ChildProcess; dir?: string} = {};
/** Why the namespace could not be made, when this computer does not permit it (then every test is skipped, saying so). */
let notPermitted: string | undefined;
/** 10.x.y.2:5000, the registry's address. */
let host = '';
let lesson: Lesson;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	const binary = await findRegistryBinary();
	if (binary === null) throw new Error('No registry program (docker-registry) on PATH: run scripts/ensure-engine.sh as root.');
	const namespace = `rl-insecure-${randomBytes(3).toString('hex')}`;
	const added = await runCommand({file: 'ip', args: ['netns', 'add', namespace], timeoutMs: 30_000});
	if (added.exitCode !== 0) {
		const said = `${added.stderr}${added.spawnError ?? ''}`.trim();
		if (/not permitted|permission denied|EACCES|EPERM/i.test(said)) {
			notPermitted = `this computer does not permit ip netns (${said}): run the e2e tests as root`;
			return;
		}
		throw new Error(`ip netns add ${namespace} failed: ${said}`);
	}
	made.namespace = namespace;
	const prefix = await unusedSlash30();
	const suffix = namespace.slice(-6);
	const hostVeth = `rli${suffix}h`;
	const nsVeth = `rli${suffix}n`;
	await ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth);
	made.hostVeth = hostVeth;
	await ip('link', 'set', nsVeth, 'netns', namespace);
	await ip('addr', 'add', `${prefix}.1/30`, 'dev', hostVeth);
	await ip('link', 'set', hostVeth, 'up');
	await ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${prefix}.2/30`, 'dev', nsVeth);
	await ip('netns', 'exec', namespace, 'ip', 'link', 'set', nsVeth, 'up');
	await ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
	host = `${prefix}.2:5000`;
	made.dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-insecure-'));
	const config = path.join(made.dir, 'config.yml');
	await writeFile(
		config,
		`version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(made.dir, 'storage')}\nhttp:\n  addr: "${host}"\n`,
	);
	// `ip netns exec` runs the registry in place of itself: this child is the registry.
	const registry = spawn('ip', ['netns', 'exec', namespace, binary, 'serve', config], {stdio: ['ignore', 'ignore', 'pipe']});
	made.registry = registry;
	let said = '';
	registry.stderr?.setEncoding('utf8').on('data', (chunk: string) => (said = `${said}${chunk}`.slice(-2000)));
	for (let tries = 0; ; tries++) {
		if (registry.exitCode !== null) throw new Error(`The registry in ${namespace} stopped: ${said}`);
		const answered = await fetch(`http://${host}/v2/`, {signal: AbortSignal.timeout(2000)}).then(
			reply => reply.status === 200,
			() => false,
		);
		if (answered) break;
		if (tries === 100) throw new Error(`The registry on ${host} (in ${namespace}) did not answer within 10 seconds: ${said}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
});

afterEach(() => killPlainClis());

afterAll(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
	await cleanUpPlainClis();
	// The registry first: a namespace lives on while a process runs in it (and with it the veth pair).
	const registry = made.registry;
	if (registry && registry.exitCode === null && registry.signalCode === null) {
		const exited = new Promise(resolve => registry.once('exit', resolve));
		registry.kill('SIGTERM');
		const stopped = await Promise.race([exited.then(() => true), new Promise(resolve => setTimeout(() => resolve(false), 5000))]);
		if (!stopped) {
			registry.kill('SIGKILL');
			await exited;
		}
	}
	if (made.namespace) await runCommand({file: 'ip', args: ['netns', 'del', made.namespace], timeoutMs: 30_000});
	// Deleting the namespace deletes the pair; if it is still there, delete it here.
	if (made.hostVeth && (await runCommand({file: 'ip', args: ['link', 'show', made.hostVeth]})).exitCode === 0) {
		await runCommand({file: 'ip', args: ['link', 'del', made.hostVeth], timeoutMs: 30_000});
	}
	if (made.dir) await rm(made.dir, {recursive: true, force: true});
});

async function ip(...args: string[]): Promise<void> {
	const result = await runCommand({file: 'ip', args, timeoutMs: 30_000});
	if (result.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim() || result.spawnError}`);
}

/** 10.x.y (a /30 at 10.x.y.0) that overlaps no address and no route of this computer. */
async function unusedSlash30(): Promise<string> {
	const listed = await Promise.all(
		[
			['-4', 'addr'],
			['-4', 'route', 'show', 'table', 'all'],
		].map(args => runCommand({file: 'ip', args, timeoutMs: 30_000})),
	);
	const taken = listed
		.flatMap(result => [...result.stdout.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)])
		.map(match => ({network: toNumber(match[1]!), bits: Number(match[2] ?? 32)}));
	for (let tries = 0; tries < 100; tries++) {
		const prefix = `10.${randomInt(1, 255)}.${randomInt(0, 256)}`;
		const network = toNumber(`${prefix}.0`);
		const overlaps = taken.some(other => {
			const bits = Math.min(30, other.bits);
			const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
			return (network & mask) >>> 0 === (other.network & mask) >>> 0;
		});
		if (!overlaps) return prefix;
	}
	throw new Error('Found no unused /30 in 10.0.0.0/8 for the test registry.');
}

const toNumber = (address: string): number => address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);

/** What a student would paste: everything the engine printed. */
const textOf = (result: CommandResult): string => `${result.stdout}\n${result.stderr}`.trim();

/** The engines' own words, with this run's address and digests written the same in every run, to compare with the fixture. */
const normal = (text: string): string => text.replaceAll(/10\.\d{1,3}\.\d{1,3}\.2:5000/g, 'HOST').replaceAll(/sha256:[0-9a-f]{64}/g, 'sha256:DIGEST');

type RealCase = {readonly command: string; readonly text: string; readonly cause: string; readonly engine: string};

/** The message is in test/fixtures/engine-errors-real.json, so the unit tests diagnose it without an engine. */
function expectRecorded(engine: 'docker' | 'podman', command: string, text: string): void {
	const rows = (real.cases as readonly RealCase[]).filter(row => row.engine === engine && normal(row.command) === normal(command));
	expect(
		rows.map(row => normal(row.text)),
		`record this message in test/fixtures/engine-errors-real.json (command "${command}", cause http-vs-https):\n${text}`,
	).toContain(normal(text));
	for (const row of rows) expect(row.cause).toBe('http-vs-https');
}

/** Skips the test, saying why, when this computer does not let the test make a network namespace. */
function needNamespace(context: {skip: (note?: string) => never}): void {
	if (notPermitted !== undefined) context.skip(notPermitted);
}

describe('docker against a plain-HTTP registry on a classroom address', () => {
	const cases = [
		{what: 'push', args: (): string[] => ['push', `${host}/alice/demo:1.0`]},
		{what: 'pull', args: (): string[] => ['pull', `${host}/alice/demo:1.0`]},
		{what: 'login', args: (): string[] => ['login', host, '--username', 'alice', '--password-stdin']},
	];

	it.for(cases)('docker $what is refused, and the diagnosis names that address and daemon.json', async ({what, args}, context) => {
		needNamespace(context);
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		if (what === 'push') {
			await makeTestImage(`${host}/alice/demo:1.0`, {engine: testEngine(config.env)});
			cleanups.push(() => removeImage(`${host}/alice/demo:1.0`));
		}
		const result = await runCommand({file: 'docker', args: args(), env: config.env, timeoutMs: 120_000, ...(what === 'login' ? {stdin: 'anything'} : {})});
		const text = textOf(result);
		// A docker told to trust this address (insecure-registries 10.0.0.0/8) cannot show the refusal.
		if (result.exitCode === 0) context.skip(`this docker already takes ${host} in plain HTTP: it is listed in its insecure-registries`);
		expect(text).toContain(`Get "https://${host}/v2/": ${refusal}`);
		const command = `docker ${args().join(' ')}`;
		const diagnosis = diagnose(text, {command, engine: 'docker', registry: host, platform: 'linux'});
		expect(diagnosis.cause, text).toBe('http-vs-https');
		expect(diagnosis.title).toBe(`The registry ${host} speaks plain HTTP, but docker expected HTTPS.`);
		expect(diagnosis.hint.split('\n')).toContain(`  {"insecure-registries": ["${host}"]}`);
		expect(diagnosis.hint).toContain('/etc/docker/daemon.json');
		expect(diagnosis.hint).toContain('`sudo systemctl restart docker`');
		expect(diagnosis.hint).toContain('`registry-lab class up --tls`');
		// The address comes from docker's words, even when the lab was told another.
		const told = diagnose(text, {command: 'docker login', registry: '192.0.2.99:5000', platform: 'linux'});
		expect(told.hint).toContain(`["${host}"]`);
		expect(told.hint).not.toContain('192.0.2.99');
		// On Docker Desktop the same key goes into Settings › Docker Engine.
		expect(diagnose(text, {command, platform: 'darwin'}).hint).toMatch(
			/Settings › Docker Engine[^\n]*\n {2}"insecure-registries": \["[^"]+"\],\n[^\n]*Apply & restart/,
		);
		expectRecorded('docker', command, text);
	});

	it('registry-lab diagnose, given the message a student pastes, prints each line of what to do on its own', async context => {
		needNamespace(context);
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		const pulled = await runCommand({file: 'docker', args: ['pull', `${host}/alice/demo:1.0`], env: config.env, timeoutMs: 120_000});
		const pasted = await runCommand({
			file: process.execPath,
			args: ['--import', 'tsx', 'src/main.ts', 'diagnose'],
			stdin: textOf(pulled),
			timeoutMs: 30_000,
		});
		expect(pasted.exitCode, pasted.stderr).toBe(0);
		const lines = pasted.stdout.trimEnd().split('\n');
		expect(lines[0]).toBe(`The registry ${host} speaks plain HTTP, but docker expected HTTPS.`);
		expect(lines).toContain('What to do:');
		// Pasted from anywhere: Linux's file and Docker Desktop's settings both.
		expect(lines).toContain(`    {"insecure-registries": ["${host}"]}`);
		expect(lines.some(line => line.includes('Docker Desktop (Mac, Windows)'))).toBe(true);
		expect(lines.at(-1)).toBe('(cause: http-vs-https)');
		expect(Math.max(...lines.map(line => line.length))).toBeLessThan(120);
	});
});

describe('podman against the same registry', () => {
	let podman: Engine | undefined;
	let podmanMissing: string | undefined;

	beforeAll(async () => {
		const version = await runCommand({file: 'podman', args: ['--version'], timeoutMs: 30_000});
		if (version.exitCode !== 0) {
			podmanMissing = 'podman is not installed here';
			return;
		}
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		// podman reads REGISTRY_AUTH_FILE before it pulls: it must exist.
		await writeFile(config.env.REGISTRY_AUTH_FILE!, '{"auths": {}}\n');
		podman = {name: 'podman', bin: 'podman', env: {...process.env, ...config.env}, globalArgs: ['--storage-driver', 'vfs']};
	});

	const run = (args: string[], options: {stdin?: string; env?: Record<string, string>} = {}): Promise<CommandResult> =>
		runCommand({
			file: 'podman',
			args: [...podman!.globalArgs!, ...args],
			env: {...podman!.env, ...options.env},
			timeoutMs: 120_000,
			...(options.stdin === undefined ? {} : {stdin: options.stdin}),
		});

	const cases = [
		{what: 'push', args: (): string[] => ['push', `${host}/alice/demo:1.0`]},
		{what: 'pull', args: (): string[] => ['pull', `${host}/alice/demo:1.0`]},
		{what: 'login', args: (): string[] => ['login', host, '--username', 'alice', '--password-stdin']},
	];

	it.for(cases)('podman $what is refused, and the diagnosis says registries.conf, for that address', async ({what, args}, context) => {
		needNamespace(context);
		if (podmanMissing) context.skip(podmanMissing);
		if (what === 'push') {
			const engine = podman!;
			await makeTestImage(`${host}/alice/demo:1.0`, {engine});
			cleanups.push(() => removeImage(`${host}/alice/demo:1.0`, engine));
		}
		const result = await run(args(), what === 'login' ? {stdin: 'anything'} : {});
		const text = textOf(result);
		expect(result.exitCode, text).not.toBe(0);
		expect(text).toContain(`pinging container registry ${host}: Get "https://${host}/v2/": ${refusal}`);
		const command = `podman ${args().join(' ')}`;
		const diagnosis = diagnose(text, {command, engine: 'podman', registry: host, platform: 'linux'});
		expect(diagnosis.cause, text).toBe('http-vs-https');
		expect(diagnosis.title).toBe(`The registry ${host} speaks plain HTTP, but podman expected HTTPS.`);
		expect(diagnosis.hint).toContain('/etc/containers/registries.conf');
		expect(diagnosis.hint).toContain(`  [[registry]]\n  location = "${host}"\n  insecure = true`);
		expect(diagnosis.hint).toContain(`podman ${what === 'login' ? 'login' : what} --tls-verify=false`);
		expectRecorded('podman', command, text);
	});

	it('the registries.conf lines of the hint, as they are, let podman push to it', async context => {
		needNamespace(context);
		if (podmanMissing) context.skip(podmanMissing);
		const reference = `${host}/alice/allowed:1.0`;
		const engine = podman!;
		await makeTestImage(reference, {engine});
		cleanups.push(() => removeImage(reference, engine));
		const refused = await run(['push', reference]);
		const hint = diagnose(textOf(refused), {command: `podman push ${reference}`, engine: 'podman', platform: 'linux'}).hint.split('\n');
		// What the student copies: from [[registry]] to insecure = true, without the hint's indent.
		const from = hint.indexOf('  [[registry]]');
		const conf = hint.slice(from, from + 3).map(line => line.trim());
		expect(conf).toEqual(['[[registry]]', `location = "${host}"`, 'insecure = true']);
		const file = path.join(made.dir!, 'registries.conf');
		await writeFile(file, `${conf.join('\n')}\n`);
		const pushed = await run(['push', reference], {env: {CONTAINERS_REGISTRIES_CONF: file}});
		expect(pushed.exitCode, textOf(pushed)).toBe(0);
		expect(await fetch(`http://${host}/v2/alice/allowed/tags/list`).then(async reply => (await reply.json()) as unknown)).toEqual({
			name: 'alice/allowed',
			tags: ['1.0'],
		});
	});
});

describe('the lab, when its login step meets this registry', () => {
	/** The diagnosis the lab makes of docker's words, on this computer. */
	const expected = (said: string): ReturnType<typeof diagnose> => {
		const context: DiagnoseContext = {
			command: `docker login ${host} --username alice --password-stdin`,
			engine: 'docker',
			registry: host,
			platform: process.platform,
		};
		return diagnose(said, context);
	};

	it('plain mode: what it means, then what to do, one line each, the settings line whole', async context => {
		needNamespace(context);
		const cli = await startPlainCli(['--plain', '--registry', host]);
		await cli.waitFor('Step 1 of 9: What a registry is');
		await cli.answer('Press Enter to continue: ', '');
		await cli.waitFor('Step 2 of 9: Your account');
		await cli.answer(`Your username on ${host}: `, 'alice');
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		await cli.answer(/Password for alice on [^\n]*\(not shown while you type\): /, 'anything');
		await cli.answer(/Press Enter to [^\n]*: $/m, '');
		const lines = (await cli.waitFor(/^Try again\?[^\n]*: $/m)).split('\n');
		const shown = lines.join('\n');
		const said = lines.find(line => line.includes(refusal));
		expect(said, shown).toContain(`Get "https://${host}/v2/": ${refusal}`);
		const diagnosis = expected(said!.trim());
		expect(lines).toContain(`What it means: The registry ${host} speaks plain HTTP, but docker expected HTTPS.`);
		// The whole hint, in order, one line each, under "What to do:".
		const start = lines.indexOf('What to do:');
		expect(lines.slice(start, start + diagnosis.hint.split('\n').length + 1)).toEqual(whatToDoLines(diagnosis.hint));
		expect(lines).toContain(`    {"insecure-registries": ["${host}"]}`);
		expect(Math.max(...lines.map(line => line.length))).toBeLessThan(120);
	});

	it('the app at 80×24: the step, what it means and the whole hint fit, the settings line whole on its row', async context => {
		needNamespace(context);
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		const app = render(
			createElement(App, {
				lesson,
				engine: testEngine(config.env),
				choice: {kind: 'class', host},
				resume: {stepId: 'login', vars: {username: 'alice'}},
			}),
		);
		cleanups.push(async () => app.unmount());
		await waitForText(app, 'Password for alice');
		await resizeTerminal(app, 80, 24);
		await type(app, 'anything');
		await press(app, keys.enter);
		await waitForText(app, `docker login ${host}`);
		await press(app, keys.enter);
		const screen = await waitForText(app, 'What to do:', 60_000);
		const rows = screen.split('\n');
		// Ink leaves the last row for the cursor.
		expect(rows.length, screen).toBeLessThanOrEqual(23);
		expect(Math.max(...rows.map(row => row.length))).toBeLessThanOrEqual(80);
		expect(screen).toContain('Log in to the registry');
		expect(screen).toMatch(/ctrl\+c quit\s*$/);
		const words = (text: string): string => text.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');
		// What docker says to this login (the docker login case above holds it to that).
		const diagnosis = expected(`Error response from daemon: Get "https://${host}/v2/": ${refusal}`);
		expect(words(screen)).toContain(words(`What it means: ${diagnosis.title}`));
		for (const line of diagnosis.hint.split('\n')) expect(words(screen)).toContain(words(line).trim());
		expect(rows.some(row => row.includes(`  {"insecure-registries": ["${host}"]}`))).toBe(true);
	});
});
