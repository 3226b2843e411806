import {readFile} from 'node:fs/promises';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {stepApplies} from '../../src/lesson/steps.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {openProgressStore} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {imageExists, makeTestImage, removeImage, requireEngine, uniqueName} from '../helpers/engine.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';
import {pushAsClassmate, startTestRegistry} from '../helpers/registry.js';
import {registryLesson} from '../helpers/lesson.js';

const student = {username: 'student', password: 'student-pass-1234'};
const classmate = {username: 'classmate', password: 'classmate-pass-5678'};

let registry: PracticeRegistry;
let lesson: Lesson;
let classmateImage: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	registry = await startTestRegistry([student, classmate]);
	// The classmate pushes first, from a login of their own.
	classmateImage = await pushAsClassmate(registry.host, classmate, 'plain-shared');
});

afterEach(() => killPlainClis());

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await cleanUpPlainClis();
	await registry?.stop();
});

const enter = /Press Enter to [^\n]*: $/m;
/** The prompt for a typed command. */
const typed = /^\$ $/m;
const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Log in as the student, through the plain prompts, from the start of the lesson. */
async function throughLogin(cli: PlainCli, password: string): Promise<void> {
	await cli.waitFor('Step 1 of 9: What a registry is');
	await cli.answer('Press Enter to continue: ', '');
	await cli.waitFor('Step 2 of 9: Your account');
	await cli.answer(`Your username on ${registry.host}: `, student.username);
	await cli.waitFor('PASS');
	await cli.waitFor('Step 3 of 9: Log in to the registry');
	await cli.answer(/Password for student on [^\n]*\(not shown while you type\): /, password);
	await cli.waitFor(`Command: docker login ${registry.host} --username student --password-stdin`);
	await cli.answer(enter, '');
}

describe('registry-lab --plain, line by line', () => {
	it('runs the whole lesson with plain prompts: no colour codes, no redraws, no password, and the push really arrives', async () => {
		const image = `${uniqueName('plain-source')}:1.0`;
		await makeTestImage(image);
		const repository = uniqueName('plain-first');
		const target = `${registry.host}/student/${repository}:1.0`;
		cleanups.push(
			() => removeImage(image),
			() => removeImage(target),
			() => removeImage(classmateImage),
		);
		const cli = await startPlainCli(['--plain', '--registry', registry.host]);

		await throughLogin(cli, student.password);
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);

		await cli.waitFor('Step 4 of 9: Pick an image to share');
		await cli.waitFor(/0 {2}(Make a small|Use the) starter image/);
		await cli.waitFor(image);
		await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, image);
		await cli.waitFor('PASS');

		await cli.waitFor('Step 5 of 9: Name it for the registry');
		await cli.answer('Repository name [first-image]: ', repository);
		await cli.answer('Tag (version) [1.0]: ', '');
		// After the first demonstration the student types each command, after a `$ ` prompt.
		await cli.waitFor(/^Type the command yourself[^\n]*!run runs it for you[^\n]*$/m);
		await cli.answer(typed, `docker tag ${image} ${target}`);
		await cli.waitFor(`Command: docker tag ${image} ${target}`);
		await cli.waitFor(/PASS [^\n]*same image/);

		await cli.waitFor('Step 6 of 9: Push it');
		// A line that is refused says why, once, and asks again; an empty line gives the next hint.
		await cli.answer(typed, `docker pus ${target}`);
		expect(await cli.waitFor(typed)).toMatch(/^Not run: 'docker pus' is not a command: did you mean 'docker push'\?$/m);
		cli.type('');
		expect(await cli.waitFor(typed)).toMatch(/^Hint: Nudge: this step uses `docker push`/m);
		cli.type(`docker push ${target}`);
		await cli.waitFor(`Command: docker push ${target}`);
		const pushed = await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/);
		// Output of the command came line by line, each indented by two spaces.
		expect(pushed).toMatch(/^ {2}\S/m);
		const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1];
		const manifest = await createRegistryClient({registry: registry.host, credentials: student}).headManifest(`student/${repository}`, '1.0');
		expect(manifest).toMatchObject({ok: true, digest});

		await cli.waitFor('Step 7 of 9: See it in the registry');
		// The step checks the pushed name: its answers (username, repository, tag) can be changed here too.
		await cli.answer('Press Enter to check, e to change your answers, q to quit: ', '');
		await cli.waitFor(new RegExp(`PASS Tags in ${escape(registry.host)}/student/${repository}: 1\\.0`));

		await cli.waitFor("Step 8 of 9: Pull a classmate's image");
		await cli.answer('Image to pull: ', classmateImage);
		// !run: run it for me.
		await cli.answer(typed, '!run');
		await cli.waitFor(`Command: docker pull ${classmateImage}`);
		await cli.waitFor(new RegExp(`PASS ${escape(classmateImage)} is on this computer`), 90_000);
		expect(await imageExists(classmateImage)).toBe(true);

		await cli.waitFor('Step 9 of 9: Done');
		// The summary shows the digest as proof.
		expect(await cli.answer('Press Enter to continue: ', '')).toContain(digest);
		await cli.waitFor('Lesson finished');
		expect(await cli.exited).toBe(0);

		const stdout = cli.stdout();
		if (process.env.SHOW_PLAIN_OUTPUT) console.log(stdout);
		expect(stdout).not.toContain('\u001B');
		expect(stdout).not.toContain('\r');
		expect(stdout).not.toContain(student.password);
		// Every step's title once, in order.
		const titles = [...stdout.matchAll(/^Step (\d+) of (\d+): (.*)$/gm)].map(match => `${match[1]}/${match[2]} ${match[3]}`);
		const expected = lesson.steps.filter(step => stepApplies(step, 'class')).map((step, index, all) => `${index + 1}/${all.length} ${step.title}`);
		expect(titles).toEqual(expected);
		// Progress saved like the app saves it, without the password.
		const store = openProgressStore({cwd: cli.home});
		expect(await readFile(store.path, 'utf8')).not.toContain(student.password);
		expect(store.get('registries')).toMatchObject({finished: true, vars: {username: 'student', target, digest, pullRef: classmateImage}});
	});

	it('a wrong password prints FAIL with what it means, the lesson does not advance, [r]etry and [e]dit ask again', async () => {
		const cli = await startPlainCli(['--plain', '--registry', registry.host]);
		await throughLogin(cli, 'not-the-password');
		const failure = await cli.waitFor('Try again? [r]etry / [c]heck only / [e]dit answers / [q]uit: ');
		expect(failure).toMatch(/^FAIL /m);
		expect(failure).toContain('What docker said:');
		expect(failure).toMatch(/^What it means: /m);
		expect(failure).toMatch(/^What to do: /m);
		expect(cli.stdout()).not.toContain('Step 4 of 9');
		expect(openProgressStore({cwd: cli.home}).get('registries')).toMatchObject({stepId: 'login', completed: ['what-is-a-registry', 'account']});

		// Retry: the wrong password is not sent again, it is asked for again.
		cli.type('r');
		await cli.answer(/Password for student [^\n]*: /, 'still-not-the-password');
		await cli.answer(enter, '');
		await cli.waitFor('Try again? [r]etry / [c]heck only / [e]dit answers / [q]uit: ');

		// Edit the answers: the username from step 2 (Enter keeps it), then the password, on the same step (no new title).
		cli.type('e');
		await cli.waitFor('Your answer from step 2, "Your account":');
		await cli.answer(`Your username on ${registry.host} [student]: `, '');
		const retyped = await cli.answer(/Password for student [^\n]*: /, student.password);
		expect(retyped).not.toContain('Step 3 of 9');
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);
		await cli.waitFor('Step 4 of 9: Pick an image to share');
		await cli.answer(/Type a number [^\n]*: /, 'q');
		await cli.waitFor('You left the lesson before the end');
		expect(await cli.exited).toBe(1);
		const stdout = cli.stdout();
		expect(stdout).not.toContain('not-the-password');
		expect(stdout).not.toContain(student.password);
		expect(stdout.match(/^FAIL /gm)).toHaveLength(2);
		expect(stdout).not.toContain('\u001B');
		expect(stdout.match(/^Step 3 of 9: /gm)).toHaveLength(1);
		expect(openProgressStore({cwd: cli.home}).get('registries')).toMatchObject({
			stepId: 'choose-image',
			completed: ['what-is-a-registry', 'account', 'login'],
		});

		// Started again (with an empty login store of its own), it offers to resume at step 4,
		// finds the login gone, and goes back to the login step, saying why.
		const again = await startPlainCli(['--plain', '--registry', registry.host], {}, {home: cli.home});
		await again.waitFor(`Last time you got to step 4 of 9, "Pick an image to share", on ${registry.host} as student.`);
		await again.answer('Resume at step 4? [y]es / [n]o, start over / [q]uit: ', 'y');
		await again.waitFor('Step 3 of 9: Log in to the registry');
		await again.waitFor(/^Note: Back to “Log in to the registry”/m);
		await again.answer(/Password for student [^\n]*: /, 'q');
		await again.answer(enter, 'q');
		expect(await again.exited).toBe(1);
		expect(again.stdout()).not.toMatch(/^Step [12] of 9/m);
	});

	it('--practice starts a practice registry, logs in with its password, and stops it when the student leaves', async () => {
		const cli = await startPlainCli(['--plain', '--practice']);
		const host = /running at (\S+)\.$/m.exec(await cli.waitFor(/The practice registry is running at \S+\.$/m, 90_000))![1]!;
		await cli.answer('Press Enter to continue: ', '');
		const account = await cli.waitFor('Step 2 of 9: Your practice account').then(() => cli.waitFor(enter));
		const password = /password: (\S+)/.exec(account)![1]!;
		cli.type('');
		await cli.waitFor('Step 3 of 9: Log in to the registry');
		await cli.answer(/Password for student [^\n]*: /, password);
		await cli.waitFor(`Command: docker login ${host} --username student --password-stdin`);
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);
		await cli.waitFor('Step 4 of 9: Pick an image to share');
		await cli.answer(/Type a number [^\n]*: /, 'q');
		await cli.waitFor('Stopping the practice registry');
		expect(await cli.exited).toBe(1);
		expect(cli.stdout()).not.toContain('\u001B');
		// The registry is gone with the lesson, and its password was never saved.
		await expect(fetch(`http://${host}/v2/`)).rejects.toThrow();
		expect(await readFile(openProgressStore({cwd: cli.home}).path, 'utf8')).not.toContain(password);
	});

	it('NO_COLOR without --plain, with no terminal, runs the plain mode, which never loads ink or react', async () => {
		const cli = await startPlainCli(['--registry', registry.host], {NO_COLOR: '1'}, {nodeArgs: ['--import', './test/helpers/forbid-ink.mjs']});
		await cli.waitFor('Step 1 of 9: What a registry is');
		await cli.answer('Press Enter to continue: ', 'q');
		expect(await cli.exited).toBe(1);
		expect(cli.stdout()).not.toContain('\u001B');
		expect(cli.stdout()).not.toContain('\r');
		expect(cli.stderr()).toBe('');
	});

	it('with nothing to read answers from, it still says a terminal is needed and points to --plain', async () => {
		const result = await runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', '--registry', registry.host], timeoutMs: 30_000});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('needs a terminal');
		expect(result.stderr).toContain('--plain');
	});
});
