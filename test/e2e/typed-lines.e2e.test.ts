/**
 * Every line of test/fixtures/typed-lines.ts that the grader accepts at a docker step of a class
 * registry is run here with the real docker CLI (no shell: its words as splitCommandLine makes
 * them), against a real registry with htpasswd accounts, and docker must have done what the
 * step's own command does: the login is stored for that registry and that user, the new name is
 * the same image, the registry has the manifest, the image is here.
 */
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import {imageId} from '../../src/container/images.js';
import {readLoginState} from '../../src/container/login-state.js';
import {compareTyped, splitCommandLine} from '../../src/container/typed-command.js';
import {startPracticeRegistry, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {fill, steps, typedLines, type TypedLineCase, type Vars} from '../fixtures/typed-lines.js';
import {imageExists, makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {dockerLogin, pushAsClassmate} from '../helpers/registry.js';

const alice = {username: 'alice', password: 'typed-lines-e2e-7301'};
const bob = {username: 'bob', password: 'typed-lines-e2e-4412'};

let registry: PracticeRegistry;
/** Logged in as alice, for the pushes; never the real ~/.docker. */
let pusher: {env: Record<string, string>; cleanup: () => Promise<void>};
let engine: Engine;
let imageName: string;
let pullRef: string;
/** Another tag of pullRef's repository, which a pull of one tag leaves where it is. */
let otherTag: string;
const made: string[] = [];

beforeAll(async () => {
	await requireEngine();
	pusher = await tempDockerConfig();
	engine = testEngine(pusher.env);
	const started = await startPracticeRegistry({accounts: [alice, bob], engine});
	if (!started.ok) throw new Error([started.message, started.hint, started.log].filter(Boolean).join('\n'));
	registry = started;
	imageName = uniqueName('typed-source');
	await makeTestImage(`${imageName}:latest`, {engine});
	made.push(`${imageName}:latest`);
	await dockerLogin(pusher.env, registry.host, alice.username, alice.password);
	pullRef = await pushAsClassmate(registry.host, bob, 'typed-shared');
	made.push(pullRef);
	// A second tag in the classmate's repository, so a pull of every tag would show.
	otherTag = pullRef.replace(/:1\.0$/, ':2.0');
	await makeTestImage(otherTag, {engine});
	made.push(otherTag);
	const classmate = await tempDockerConfig();
	try {
		await dockerLogin(classmate.env, registry.host, bob.username, bob.password);
		await run(['docker', 'push', otherTag], classmate.env);
	} finally {
		await classmate.cleanup();
	}
});

afterAll(async () => {
	for (const reference of made) await removeImage(reference, engine).catch(() => undefined);
	await registry?.stop();
	await pusher?.cleanup();
});

/** The values of one row: a repository of its own, so each push and tag is seen to be its own doing. */
function varsFor(): Vars {
	const {host} = registry;
	const pullRepo = pullRef.slice(`${host}/bob/`.length).replace(/:1\.0$/, '');
	return {host, port: host.slice(host.lastIndexOf(':') + 1), user: alice.username, imageName, repo: uniqueName('typed'), pullRepo};
}

/** The row's line as docker gets it; the grader must accept it, or the row is in the wrong place. */
function argvOf(row: TypedLineCase, vars: Vars): string[] {
	const {engine: name, hub, expected} = steps[row.step];
	const split = splitCommandLine(fill(row.line, vars), name);
	if (!split.ok) throw new Error(split.reason);
	expect(compareTyped(split.words, {engine: name, expected: expected(vars), username: vars.user, registry: hub ? 'docker.io' : vars.host})).toEqual({
		ok: true,
	});
	return split.words;
}

/** Run docker with the words as they are: the password on standard input when the line says --password-stdin. */
async function run(argv: readonly string[], env: Record<string, string>, stdin?: string): Promise<void> {
	const [file = '', ...args] = argv;
	const result = await runCommand({file, args, env: {...process.env, ...env}, timeoutMs: 60_000, ...(stdin === undefined ? {} : {stdin})});
	expect(result.exitCode, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
}

const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Run docker in a pseudo-terminal (util-linux's script), answering its prompts as a student
 * would: the username when it asks, then the password.
 */
async function runInTerminal(argv: readonly string[], env: Record<string, string>): Promise<void> {
	const child = execa('script', ['-qec', argv.map(shellQuote).join(' '), '/dev/null'], {
		env: {...process.env, ...env},
		shell: false,
		reject: false,
		timeout: 60_000,
		stdin: 'pipe',
	});
	let seen = '';
	const answered = new Set<string>();
	child.stdout.on('data', (chunk: Buffer) => {
		seen += chunk.toString();
		for (const [prompt, answer] of [
			['Username', alice.username],
			['Password', alice.password],
		] as const) {
			if (!answered.has(prompt) && new RegExp(`${prompt}(?: \\([^)]*\\))?: *$`).test(seen)) {
				answered.add(prompt);
				child.stdin.write(`${answer}\n`);
			}
		}
	});
	const result = await child;
	child.stdin.destroy();
	expect(result.exitCode, `${argv.join(' ')} in a terminal: ${seen.replaceAll(alice.password, '••••')}`).toBe(0);
	expect(answered.has('Password'), 'docker asked for the password').toBe(true);
}

const accepted = typedLines.filter(row => row.expect === 'accepted' && steps[row.step].engine === 'docker' && !steps[row.step].hub);

// Logins, tags and pushes each have names of their own, so they run side by side; the pulls share one image and take turns.
describe('accepted lines do what the step’s own command does, with the real docker', () => {
	it('covers every kind of step', () => {
		expect(new Set(accepted.map(row => row.step))).toEqual(new Set(['login', 'tag', 'push', 'pull']));
	});

	it.concurrent.each(accepted.filter(row => row.step === 'login').map(row => [row.line, row] as const))('login: %s', async (_line, row) => {
		const vars = varsFor();
		const argv = argvOf(row, vars);
		const config = await tempDockerConfig();
		try {
			if (argv.includes('--password-stdin') || argv.some(word => word.startsWith('--password-stdin='))) await run(argv, config.env, alice.password);
			else await runInTerminal(argv, config.env);
			const state = await readLoginState(testEngine(config.env), registry.host);
			expect(state).toMatchObject({loggedIn: true, registry: registry.host, username: alice.username});
		} finally {
			await config.cleanup();
		}
	});

	it.concurrent.each(accepted.filter(row => row.step === 'tag').map(row => [row.line, row] as const))('tag: %s', async (_line, row) => {
		const vars = varsFor();
		const target = fill('{target}', vars);
		made.push(target);
		await run(argvOf(row, vars), pusher.env);
		const source = await imageId(engine, `${imageName}:latest`);
		const tagged = await imageId(engine, target);
		expect(source.ok && tagged.ok).toBe(true);
		if (source.ok && tagged.ok) expect(tagged.value).toBe(source.value);
	});

	it.concurrent.each(accepted.filter(row => row.step === 'push').map(row => [row.line, row] as const))('push: %s', async (_line, row) => {
		const vars = varsFor();
		const target = fill('{target}', vars);
		made.push(target);
		await run(['docker', 'tag', `${imageName}:latest`, target], pusher.env);
		const client = createRegistryClient({registry: registry.host, credentials: alice});
		const repository = `${alice.username}/${vars.repo}`;
		expect(await client.headManifest(repository, '1.0')).toMatchObject({ok: false});
		await run(argvOf(row, vars), pusher.env);
		expect(await client.headManifest(repository, '1.0')).toMatchObject({ok: true, digest: expect.stringMatching(/^sha256:/)});
		expect(await client.listTags(repository)).toMatchObject({ok: true, tags: ['1.0']});
	});

	it.each(accepted.filter(row => row.step === 'pull').map(row => [row.line, row] as const))('pull: %s', async (_line, row) => {
		const vars = varsFor();
		for (const reference of [pullRef, otherTag]) await removeImage(reference, engine);
		expect(await imageExists(pullRef, engine)).toBe(false);
		await run(argvOf(row, vars), pusher.env);
		expect(await imageExists(pullRef, engine)).toBe(true);
		expect(await imageExists(otherTag, engine)).toBe(false);
	});
});
