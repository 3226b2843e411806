import {copyFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {loadLessonFile, builtInLessonsDir} from '../../src/lesson/load.js';
import {stepsFor} from '../../src/lesson/steps.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {openProgressStore} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {imageExists, makeTestImage, removeImage, requireEngine, testEngine, uniqueName} from '../helpers/engine.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';
import {startTestRegistry} from '../helpers/registry.js';

// The second lesson, "Versions and tags", run whole through the real lab in plain mode, against the real
// engine and a real registry: a class registry with htpasswd accounts, and the lab's own practice registry.

const student = {username: 'student', password: 'student-pass-1234'};

let registry: PracticeRegistry;
let lesson: Lesson;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	const loaded = await loadLessonFile(path.join(builtInLessonsDir(), 'versions.yaml'));
	if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
	lesson = loaded.lesson;
	registry = await startTestRegistry([student]);
});

afterEach(() => killPlainClis());

afterAll(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
	await cleanUpPlainClis();
	await registry?.stop();
});

const enter = /Press Enter to [^\n]*: $/m;
/** The prompt for a typed command. */
const typed = /^\$ $/m;
const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The titles the lab should show, `N/COUNT Title`, for this kind of registry. */
const expectedTitles = (kind: 'class' | 'practice') => stepsFor(lesson, kind).map((step, index, all) => `${index + 1}/${all.length} ${step.title}`);

/** What a run saw on the way: each step's output, by step title. */
type Seen = Record<string, string>;

/**
 * From the image picker to the end: three tags, three pushes, the tag list, rmi, two pulls, the text steps.
 * Some commands are typed as a student types them, the rest run with !run.
 */
async function throughVersions(cli: PlainCli, host: string, image: string, repository: string): Promise<Seen> {
	const seen: Seen = {};
	const repo = `${host}/student/${repository}`;
	const step = async (title: string): Promise<void> => void (await cli.waitFor(new RegExp(`^Step \\d+ of 16: ${escape(title)}$`, 'm')));

	await step('Pick an image to version');
	await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, image);
	await cli.waitFor(/PASS [^\n]* is on this computer/);

	await step('Tag it as version 1.0');
	await cli.answer('Repository name [my-app]: ', repository);
	await cli.answer(typed, `docker tag ${image} ${repo}:1.0`);
	await cli.waitFor(/PASS [^\n]*same image/);

	await step('Tag it as version 2.0');
	await cli.answer(typed, `docker tag ${image} ${repo}:2.0`);
	await cli.waitFor(/PASS [^\n]*same image/);

	await step('Tag it as latest');
	await cli.answer(typed, '!run');
	await cli.waitFor(`Command: docker tag ${image} ${repo}:latest`);
	await cli.waitFor(/PASS [^\n]*same image/);

	await step('Push version 1.0');
	await cli.answer(typed, `docker push ${repo}:1.0`);
	seen.push1 = await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/, 120_000);

	await step('Push version 2.0');
	await cli.answer(typed, '!run');
	seen.push2 = await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/, 120_000);

	await step('Push latest');
	await cli.answer(typed, '!run');
	seen.pushLatest = await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/, 120_000);

	await step('List the tags in the registry');
	await cli.answer(enter, '');
	seen.tags = await cli.waitFor(/PASS Tags in [^\n]*/);

	await step('Remove version 1.0 from this computer');
	seen.removeText = await cli.waitFor(typed);
	cli.type(`docker rmi ${repo}:1.0`);
	seen.remove = await cli.waitFor(/PASS [^\n]* is on this computer/);
	// Only the one name went: the other tags and the source image are still here.
	expect(await imageExists(`${repo}:1.0`)).toBe(false);
	expect(await imageExists(`${repo}:2.0`)).toBe(true);
	expect(await imageExists(`${repo}:latest`)).toBe(true);
	expect(await imageExists(image)).toBe(true);

	await step('Pull version 1.0 back');
	await cli.answer(typed, `docker pull ${repo}:1.0`);
	seen.pull1 = await cli.waitFor(/PASS [^\n]* is on this computer/, 120_000);
	expect(await imageExists(`${repo}:1.0`)).toBe(true);

	await step('Pull without a tag, to stay up to date');
	await cli.answer(typed, `docker pull ${repo}`);
	seen.pullLatest = await cli.waitFor(/PASS [^\n]* is on this computer/, 120_000);

	await step('Public and private repositories');
	seen.whoCanPull = await cli.answer('Press Enter to continue: ', '');

	await step('Done');
	seen.done = await cli.answer('Press Enter to continue: ', '');
	await cli.waitFor('Lesson finished');
	return seen;
}

/** The lab's own records: every step's title once, in order, no colour codes, and the password nowhere (unless it was the practice one, shown by design). */
function expectCleanRun(cli: PlainCli, kind: 'class' | 'practice', password?: string): void {
	const stdout = cli.stdout();
	if (process.env.SHOW_PLAIN_OUTPUT) console.log(stdout);
	const titles = [...stdout.matchAll(/^Step (\d+) of (\d+): (.*)$/gm)].map(match => `${match[1]}/${match[2]} ${match[3]}`);
	expect(titles).toEqual(expectedTitles(kind));
	expect(stdout).not.toContain('\u001B');
	if (password) expect(stdout).not.toContain(password);
}

/** A source image of the test's own and the repository it is tagged into on the class registry; all removed after. */
async function versionsImage(name: string): Promise<{image: string; repository: string; repo: string}> {
	const image = `${uniqueName(`${name}-source`)}:1.0`;
	await makeTestImage(image);
	const repository = uniqueName(name);
	const repo = `${registry.host}/student/${repository}`;
	cleanups.push(
		() => removeImage(image),
		() => removeImage(`${repo}:1.0`),
		() => removeImage(`${repo}:2.0`),
		() => removeImage(`${repo}:latest`),
	);
	return {image, repository, repo};
}

/** The versions lesson in plain mode on the class registry, through the account and login steps. */
async function loggedInOnClass(): Promise<PlainCli> {
	const cli = await startPlainCli(['--plain', '--lesson', 'versions', '--registry', registry.host]);
	await cli.answer('Press Enter to continue: ', '');
	await cli.answer(`Your username on ${registry.host}: `, student.username);
	await cli.answer(/Password for student on [^\n]*: /, student.password);
	await cli.answer(enter, '');
	return cli;
}

/** `registry-lab verify --json --lesson versions` from source, for the class registry's run. */
function verifyVersions(env: Record<string, string>): Promise<CommandResult> {
	return runCommand({
		file: process.execPath,
		args: ['--import', 'tsx', 'src/main.ts', 'verify', '--json', '--lesson', 'versions', '--registry', registry.host],
		env,
		timeoutMs: 60_000,
	});
}

describe('the versions lesson, end to end', () => {
	it('on a class registry: three tags pushed (layers already there skipped), listed, 1.0 removed and pulled back, a pull without a tag', async () => {
		const {image, repository, repo} = await versionsImage('versions');
		const cli = await startPlainCli(['--plain', '--lesson', 'versions', '--registry', registry.host]);

		await cli.waitFor('Step 1 of 16: Versions are tags');
		await cli.answer('Press Enter to continue: ', '');
		await cli.waitFor('Step 2 of 16: Your account');
		await cli.answer(`Your username on ${registry.host}: `, student.username);
		await cli.waitFor('Step 3 of 16: Log in to the registry');
		await cli.answer(/Password for student on [^\n]*\(not shown while you type\): /, student.password);
		await cli.waitFor(`Command: docker login ${registry.host} --username student --password-stdin`);
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);

		const seen = await throughVersions(cli, registry.host, image, repository);
		expect(await cli.exited).toBe(0);
		expectCleanRun(cli, 'class', student.password);

		// The first push uploads; the next two find every layer in the registry already.
		expect(seen.push1).toMatch(/Pushed|Layer already exists/);
		expect(seen.push2).toMatch(/Layer already exists/);
		expect(seen.push2).not.toMatch(/Pushed$/m);
		expect(seen.pushLatest).toMatch(/Layer already exists/);
		// One image, three tags: the same digest each time, and the registry really has all three.
		const digests = [seen.push1, seen.push2, seen.pushLatest].map(text => /Digest: (sha256:[0-9a-f]{64})/.exec(text!)![1]);
		expect(new Set(digests).size).toBe(1);
		const client = createRegistryClient({registry: registry.host, credentials: student});
		const listed = await client.listTags(`student/${repository}`);
		expect(listed).toMatchObject({ok: true});
		expect(listed.ok && [...listed.tags].sort()).toEqual(['1.0', '2.0', 'latest']);
		// The list step shows all three tags, as the registry lists them.
		expect(seen.tags).toMatch(new RegExp(`PASS Tags in ${escape(repo)}: `));
		for (const tag of ['1.0', '2.0', 'latest']) expect(seen.tags).toContain(tag);
		// rmi said it untagged the name; the pulls said what docker says.
		expect(seen.remove).toContain(`Untagged: ${repo}:1.0`);
		expect(seen.pullLatest).toContain('Using default tag: latest');
		expect(seen.pullLatest).toMatch(/Image is up to date/);
		expect(seen.whoCanPull).toContain('every account can pull every');
		expect(seen.done).toContain(`versions  ${repo}:1.0, ${repo}:2.0, ${repo}:latest`);
		expect(seen.done).toContain(`digest    ${digests[0]}`);
		// The last words say how to log out of the class registry.
		expect(cli.stdout()).toContain(`On a shared computer, log out so the next person cannot push as you:\n  docker logout ${registry.host}`);

		// Saved like the first lesson's run, under this lesson's id, finished, without the password.
		const store = openProgressStore({cwd: cli.home});
		expect(store.get('versions')).toMatchObject({finished: true, vars: {username: 'student', target: `${repo}:1.0`, digest: digests[0]}});
		expect(store.get('registries')).toBeUndefined();
	});

	it('on the practice registry (--practice): the whole lesson, and the registry is gone at the end', async () => {
		const image = `${uniqueName('versions-practice-source')}:1.0`;
		await makeTestImage(image);
		const repository = uniqueName('versions-practice');
		const cli = await startPlainCli(['--plain', '--lesson', 'versions', '--practice']);
		const host = /running at (\S+)\.$/m.exec(await cli.waitFor(/The practice registry is running at \S+\.$/m, 90_000))![1]!;
		const repo = `${host}/student/${repository}`;
		cleanups.push(
			() => removeImage(image),
			() => removeImage(`${repo}:1.0`),
			() => removeImage(`${repo}:2.0`),
			() => removeImage(`${repo}:latest`),
		);
		await cli.waitFor('Step 1 of 16: Versions are tags');
		await cli.answer('Press Enter to continue: ', '');
		const account = await cli.waitFor('Step 2 of 16: Your practice account').then(() => cli.waitFor(enter));
		const password = /password: (\S+)/.exec(account)![1]!;
		cli.type('');
		await cli.waitFor('Step 3 of 16: Log in to the registry');
		await cli.answer(/Password for student [^\n]*: /, password);
		await cli.answer(enter, '');
		await cli.waitFor(/PASS Logged in to [^\n]* as student/);

		const seen = await throughVersions(cli, host, image, repository);
		expect(await cli.exited).toBe(0);
		expectCleanRun(cli, 'practice');
		expect(seen.push2).toMatch(/Layer already exists/);
		for (const tag of ['1.0', '2.0', 'latest']) expect(seen.tags).toContain(tag);
		expect(seen.whoCanPull).toContain('listens only on this computer');
		expect(cli.stdout()).toContain('The practice registry has stopped, and registry-lab logged you out of it.');
		// The practice registry stopped with the lesson.
		await expect(fetch(`http://${host}/v2/`)).rejects.toThrow();
	});

	it('verify --lesson versions checks every step of a finished run again, from the saved progress', async () => {
		const {image, repository, repo} = await versionsImage('versions-verify');
		const cli = await loggedInOnClass();
		await throughVersions(cli, registry.host, image, repository);
		expect(await cli.exited).toBe(0);

		// The progress file keeps every variable the lesson makes (its own names: target2, targetLatest …), so verify finds them.
		const saved = openProgressStore({cwd: cli.home}).get('versions');
		expect(JSON.stringify(saved?.vars ?? {})).toContain(`${repo}:2.0`);

		const env = {DOCKER_CONFIG: path.dirname(cli.config), REGISTRY_LAB_HOME: cli.home};
		const verify = await verifyVersions(env);
		expect(verify.stderr).toBe('');
		const report = JSON.parse(verify.stdout) as {ok: boolean; lesson: string; steps: {id: string; ok: boolean; summary: string}[]};
		expect(report.steps.filter(step => !step.ok)).toEqual([]);
		expect(report).toMatchObject({ok: true, lesson: 'versions'});
		expect(report.steps.map(step => step.id)).toEqual(stepsFor(lesson, 'class').flatMap(step => (step.check ? [step.id] : [])));
		expect(verify.exitCode).toBe(0);

		// Take 2.0 away from this computer: verify says so for the steps that need it.
		await removeImage(`${repo}:2.0`, testEngine());
		const after = await verifyVersions(env);
		expect(after.exitCode).toBe(1);
		const failing = (JSON.parse(after.stdout) as {steps: {id: string; ok: boolean}[]}).steps.filter(step => !step.ok).map(step => step.id);
		expect(failing).toEqual(['tag-2', 'remove-1']);
	});

	it('a run left after pushing 2.0 resumes at "Push latest" with every name it made, and finishes', async () => {
		const {image, repository, repo} = await versionsImage('versions-resume');
		const cli = await loggedInOnClass();
		await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, image);
		await cli.answer('Repository name [my-app]: ', repository);
		// Tag 1.0, 2.0 and latest, push 1.0 and 2.0.
		for (let done = 0; done < 5; done++) {
			await cli.answer(typed, '!run');
			await cli.waitFor(/^PASS /m, 120_000);
		}
		await cli.waitFor('Step 10 of 16: Push latest');
		await cli.answer(typed, 'q');
		expect(await cli.exited).toBe(1);

		// Every name the run made is saved with it (the lesson's own variables), so it can go on from here.
		const saved = openProgressStore({cwd: cli.home}).get('versions');
		expect(saved).toMatchObject({stepId: 'push-latest', vars: {username: 'student', target: `${repo}:1.0`}});
		expect(JSON.stringify(saved?.vars ?? {})).toContain(`${repo}:2.0`);

		const again = await startPlainCli(['--plain', '--lesson', 'versions', '--registry', registry.host], {}, {home: cli.home});
		// The same student on the same computer: the login docker stored is still there.
		await copyFile(cli.config, again.config);
		await again.waitFor(`Last time you got to step 10 of 16, "Push latest", on ${registry.host} as student.`);
		await again.answer('Resume at step 10? [y]es / [n]o, start over / [q]uit: ', 'y');
		await again.waitFor('Step 10 of 16: Push latest');
		await again.answer(typed, `docker push ${repo}:latest`);
		await again.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/, 120_000);
		await again.answer(enter, '');
		await again.waitFor(new RegExp(`PASS Tags in ${escape(repo)}: `));
		await again.answer(typed, `docker rmi ${repo}:1.0`);
		await again.waitFor(/PASS /);
		await again.answer(typed, `docker pull ${repo}:1.0`);
		await again.waitFor(/PASS /, 120_000);
		await again.answer(typed, `docker pull ${repo}`);
		await again.waitFor(/PASS /, 120_000);
		await again.answer('Press Enter to continue: ', '');
		const done = await again.answer('Press Enter to continue: ', '');
		expect(done).toContain(`versions  ${repo}:1.0, ${repo}:2.0, ${repo}:latest`);
		await again.waitFor('Lesson finished');
		expect(await again.exited).toBe(0);
		expect(again.stdout()).not.toMatch(/^Step [1-9] of 16/m);
	});
});
