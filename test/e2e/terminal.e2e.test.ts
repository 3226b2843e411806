import {execFile, spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson, Step} from '../../src/lesson/schema.js';
import {stepsFor} from '../../src/lesson/steps.js';
import {openProgressStore} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {marks} from '../../src/ui/theme.js';
import {imageExists, makeTestImage, removeImage, requireEngine, tempDockerConfig, uniqueName} from '../helpers/engine.js';
import {registryLesson} from '../helpers/lesson.js';
import {pushAsClassmate, startTestRegistry} from '../helpers/registry.js';
import {showsText, startTmux, stopTmuxServer, tmuxVersion, type TmuxSession} from '../helpers/tmux.js';

/**
 * The built CLI (`node dist/cli.js`) in a real terminal (tmux, 100×30) against a real class registry:
 * typed into key by key and read off the screen as a student would, the keys taken from the key hints
 * the app shows. Each lab gets its own login store (DOCKER_CONFIG) and progress folder (REGISTRY_LAB_HOME).
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const student = {username: 'student', password: 'tty-pass-8675309'};
const classmate = {username: 'classmate', password: 'classmate-pass-5678'};
/** 200 MB of random bytes in one layer: made once (the same image `npm run bench` pushes), kept for later runs. */
const bigImage = {reference: 'registry-lab-bench:200mb', bytes: 200 * 1024 * 1024};

let registry: PracticeRegistry;
let lesson: Lesson;
/** The lesson's steps on a class registry, in order. */
let steps: Step[];
let classmateImage: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	if (!tmuxVersion()) throw new Error('tmux is not installed: run scripts/ensure-engine.sh as root (it installs tmux), or apt-get install tmux.');
	await requireEngine();
	// The CLI as it ships: built from this source now, not whatever dist/ held.
	await promisify(execFile)(process.execPath, ['scripts/build.mjs'], {cwd: repo, timeout: 120_000});
	lesson = await registryLesson();
	steps = stepsFor(lesson, 'class');
	registry = await startTestRegistry([student, classmate]);
	classmateImage = await pushAsClassmate(registry.host, classmate, 'tty-shared');
	cleanups.push(() => removeImage(classmateImage));
});

afterAll(async () => {
	stopTmuxServer();
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

type Lab = {
	readonly term: TmuxSession;
	/** REGISTRY_LAB_HOME: where its progress file is. */
	readonly home: string;
	/** DOCKER_CONFIG: where docker keeps its logins (config.json, no credential helper). */
	readonly dockerConfig: string;
};

/** `registry-lab --registry HOST` in a new terminal, with an empty login store and progress folder of its own. */
async function startLab(size: {cols?: number; rows?: number} = {}): Promise<Lab> {
	const config = await tempDockerConfig();
	const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-tty-'));
	const term = startTmux([process.execPath, 'dist/cli.js', '--lesson', 'registries', '--registry', registry.host], {
		...size,
		cwd: repo,
		env: {...config.env, REGISTRY_LAB_HOME: home},
	});
	cleanups.push(
		async () => term.kill(),
		config.cleanup,
		() => rm(home, {recursive: true, force: true}),
	);
	return {term, home, dockerConfig: config.dir};
}

const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** tmux's name for a key as the app's key hints write it. */
const tmuxKeys: Readonly<Record<string, string>> = {enter: 'Enter', tab: 'Tab', esc: 'Escape', 'ctrl+c': 'C-c'};

/**
 * Press the key the app's hints offer for `label` ("continue", "type it myself", "quit"), once the hint
 * is on screen: a hint shows only while the app waits for that move. Returns the key's hint.
 */
async function press(lab: Lab, label: string): Promise<string> {
	const hint = new RegExp(`(\\S+) ${escape(label)}(?: {2}|\\s*$)`, 'm');
	const screen = await lab.term.waitFor(hint, {what: `the key hint "… ${label}"`});
	const key = hint.exec(screen)![1]!;
	const named = tmuxKeys[key];
	if (named) lab.term.sendKeys(named);
	else lab.term.sendText(key);
	return key;
}

/** The field being answered shows exactly `value` (`› value`; `›` alone when empty). */
const fieldShows = (value: string): RegExp => new RegExp(`^ *› ${escape(value)}\\s*$`, 'm');

/** Type into the field on screen, see it there, and confirm it with the key the hints offer. */
async function answer(lab: Lab, label: string, value: string, shown: string = value): Promise<void> {
	await lab.term.waitFor(showsText(`${label}:`), {what: `the question ${label}`});
	lab.term.sendText(value);
	await lab.term.waitFor(fieldShows(shown), {what: `the field ${label} to show ${shown}`});
	await press(lab, 'confirm');
}

/** The field `label` holds its default `value`, shown selected (with a note that typing replaces it). */
const defaultShown = (label: string, value: string): RegExp => new RegExp(`${escape(label)}:\\s*\\n *› ${escape(value)}(?: +typing replaces it)?\\s*$`, 'm');

/**
 * Change a field's default value to `value` as a student would: one Backspace at a time (each seen on
 * screen) until the field is empty, then the new value. Enter alone keeps the default.
 */
async function replaceDefault(lab: Lab, label: string, defaultValue: string, value: string): Promise<void> {
	await lab.term.waitFor(defaultShown(label, defaultValue), {what: `${label} with its default ${defaultValue}`});
	if (value !== defaultValue) {
		for (let left = defaultValue.length - 1; left >= 0; left--) {
			lab.term.sendKeys('BSpace');
			await lab.term.waitFor(left === 0 ? /^ *›\s*$/m : fieldShows(defaultValue.slice(0, left)));
		}
		lab.term.sendText(value);
		await lab.term.waitFor(fieldShows(value), {what: `the field ${label} to show ${value}`});
	}
	await press(lab, 'confirm');
}

/**
 * The `$` field shows the typed `line`: whole, or (a line wider than the terminal) scrolled to its
 * end, `$ …` and the end of the line.
 */
const typedLineShows =
	(line: string) =>
	(screen: string): boolean =>
		showsText(`$ ${line}`)(screen) ||
		screen.split('\n').some(row => {
			const tail = /^ *\$ …\s*(\S.*?)\s*$/.exec(row)?.[1];
			return tail !== undefined && tail.length >= 20 && line.endsWith(tail);
		});

/** Type a command line at the app's `$` prompt, see it there, and run it. */
async function typeCommand(lab: Lab, line: string): Promise<void> {
	await lab.term.waitFor('Type the command yourself');
	lab.term.sendText(line);
	await lab.term.waitFor(typedLineShows(line), {what: `the typed line $ ${line}`});
	await press(lab, 'run what you typed');
}

/**
 * Pick `image` from the image list as a student would: type its name into the list's filter, move
 * the highlight (›) onto it if other rows still match, and confirm.
 */
async function pickImage(lab: Lab, image: string): Promise<void> {
	const rows = (screen: string): string[] => {
		const lines = screen.split('\n');
		const list = lines.slice(lines.findIndex(line => line.trimStart().startsWith('Filter:')) + 1);
		return list.slice(
			0,
			list.findIndex(line => /\bconfirm\b/.test(line)),
		);
	};
	const wanted = new RegExp(`^ *› +${escape(image)}\\s`);
	await lab.term.waitFor(/Image to push:\s*\n(?:.*\n)? *Filter: /, {what: 'the image list and its filter'});
	lab.term.sendText(image);
	let screen = await lab.term.waitFor(fieldShowsFilter(image), {what: `the filter to show ${image}`});
	for (let moves = 0; !rows(screen).some(row => wanted.test(row)); moves++) {
		if (moves > 10) throw new Error(`${image} is not in the image list; the screen:\n${screen}`);
		const before = rows(screen).join('\n');
		lab.term.sendKeys('Down');
		screen = await lab.term.waitFor(now => rows(now).join('\n') !== before, {what: 'the image list to move'});
	}
	await press(lab, 'confirm');
}

/** The image list's filter shows `text` (and, after it, how many rows match). */
const fieldShowsFilter = (text: string): RegExp => new RegExp(`^ *Filter: ${escape(text)}\\s`, 'm');

/** What a student chooses on the way through the lesson. */
type Plan = {
	readonly image: string;
	readonly repository: string;
	readonly tag?: string;
	readonly pullRef: string;
	/** A command line to type at a step instead of the canonical one (a login spelling, say). */
	readonly lines?: Partial<Record<string, string>>;
};

/** What the lesson showed on the way. */
type Facts = {digest?: string};

const targetOf = (plan: Plan): string => `${registry.host}/${student.username}/${plan.repository}:${plan.tag ?? '1.0'}`;

/** Wait until the screen shows step `id`: its number, of how many, and its title. */
async function arrive(lab: Lab, id: string): Promise<void> {
	const index = steps.findIndex(step => step.id === id);
	const step = steps[index]!;
	await lab.term.waitFor(new RegExp(`Step ${index + 1} of ${steps.length}\\b.*\\n *${escape(step.title)}\\s*$`, 'm'), {
		what: `step ${index + 1} of ${steps.length}, ${step.title}`,
		timeoutMs: 60_000,
	});
}

/**
 * Each step of the lesson on a class registry, as a student does it: from the step on screen to
 * pressing the key for the next one. Commands are typed (the login too, after switching to typing).
 */
const drivers: Record<string, (lab: Lab, plan: Plan, facts: Facts) => Promise<void>> = {
	'what-is-a-registry': async lab => void (await press(lab, 'continue')),
	async account(lab) {
		await answer(lab, `Your username on ${registry.host}`, student.username);
		await lab.term.waitFor(`Noted: ${student.username}.`);
		await press(lab, 'next step');
	},
	async login(lab, plan) {
		await answer(lab, `Password for ${student.username} on the class registry ${registry.host}`, student.password, '*'.repeat(student.password.length));
		await lab.term.waitFor(showsText(`$ docker login ${registry.host} --username ${student.username} --password-stdin`));
		await press(lab, 'type it myself');
		await typeCommand(lab, plan.lines?.login ?? `docker login ${registry.host} --username ${student.username} --password-stdin`);
		await lab.term.waitFor(showsText(`${marks.pass} Logged in to ${registry.host} as ${student.username}`), {what: 'the login to pass'});
		await press(lab, 'next step');
	},
	async 'choose-image'(lab, plan) {
		await pickImage(lab, plan.image);
		await lab.term.waitFor(showsText(`${plan.image} is on this computer`));
		await press(lab, 'next step');
	},
	async tag(lab, plan) {
		await replaceDefault(lab, 'Repository name', 'first-image', plan.repository);
		await replaceDefault(lab, 'Tag (version)', '1.0', plan.tag ?? '1.0');
		await typeCommand(lab, plan.lines?.tag ?? `docker tag ${plan.image} ${targetOf(plan)}`);
		await lab.term.waitFor(showsText('are the same image'));
		await press(lab, 'next step');
	},
	async push(lab, plan, facts) {
		await typeCommand(lab, plan.lines?.push ?? `docker push ${targetOf(plan)}`);
		const screen = await lab.term.waitFor(/Digest: sha256:[0-9a-f]{64}/, {timeoutMs: 90_000});
		expect(screen).toSatisfy(showsText(`The registry has ${targetOf(plan)}`));
		facts.digest = /Digest: (sha256:[0-9a-f]{64})/.exec(screen)![1];
		await press(lab, 'next step');
	},
	async 'see-it'(lab, plan) {
		await press(lab, 'check');
		await lab.term.waitFor(showsText(`Tags in ${registry.host}/${student.username}/${plan.repository}: ${plan.tag ?? '1.0'}`));
		await press(lab, 'next step');
	},
	async pull(lab, plan) {
		await answer(lab, 'Image to pull', plan.pullRef);
		await typeCommand(lab, plan.lines?.pull ?? `docker pull ${plan.pullRef}`);
		await lab.term.waitFor(showsText(`${plan.pullRef} is on this computer`), {timeoutMs: 90_000});
		await press(lab, 'next step');
	},
	async done(lab, _plan, facts) {
		if (facts.digest) await lab.term.waitFor(facts.digest);
		await press(lab, 'continue');
	},
};

/**
 * Go through the lesson from its first step (or the step `from`, on screen) as `plan` says, each
 * step's title seen on the way, until step `until` is on screen (`'end'`: through the last step,
 * until the app leaves).
 */
async function driveTo(lab: Lab, until: string, plan: Plan, from?: string): Promise<Facts> {
	const facts: Facts = {};
	const index = (id: string): number => {
		const found = steps.findIndex(step => step.id === id);
		if (found < 0) throw new Error(`no step ${id} in the lesson on a class registry`);
		return found;
	};
	const end = until === 'end' ? steps.length : index(until);
	for (const step of steps.slice(from === undefined ? 0 : index(from), end)) {
		await arrive(lab, step.id);
		const driver = drivers[step.id];
		if (!driver) throw new Error(`the terminal tests have no driver for the step ${step.id}: add one`);
		await driver(lab, plan, facts);
	}
	if (until !== 'end') await arrive(lab, until);
	else {
		// A finished lesson on a terminal offers to remove what it made (registry-lab cleanup): Enter keeps it.
		await lab.term.waitFor('Remove what this lesson made on this computer (tags, pulled images, your login)? [y/N]', {
			scrollback: true,
			what: 'the offer to clean up',
		});
		lab.term.sendKeys('Enter');
	}
	return facts;
}

/** The pids of running processes whose command line starts with `prefix`. */
function processes(prefix: string): number[] {
	const found = spawnSync('pgrep', ['-f', `^${escape(prefix)}`], {encoding: 'utf8'});
	return found.stdout.split('\n').filter(Boolean).map(Number);
}

/** Poll until `probe` holds, for at most `timeoutMs`; whether it did. */
async function within(timeoutMs: number, probe: () => boolean): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (probe()) return true;
		if (Date.now() > deadline) return false;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

/** The big image, made once: 200 MB of random bytes (nothing to compress) as one layer, with `docker import`. */
async function ensureBigImage(): Promise<void> {
	const size = await runCommand({file: 'docker', args: ['image', 'inspect', '--format', '{{.Size}}', bigImage.reference], timeoutMs: 30_000});
	if (size.exitCode === 0 && Number(size.stdout.trim()) >= bigImage.bytes) return;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-big-'));
	try {
		const made = await runCommand({
			file: 'sh',
			args: [
				'-c',
				`cd "$1" && head -c ${bigImage.bytes} /dev/urandom > big.bin && tar cf big.tar big.bin && docker import big.tar "$2"`,
				'sh',
				dir,
				bigImage.reference,
			],
			timeoutMs: 300_000,
		});
		if (made.exitCode !== 0) throw new Error(`Could not make ${bigImage.reference}: ${made.stderr}`);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

const progressOf = (lab: Lab) => openProgressStore({cwd: lab.home});

describe('the whole lesson in a real terminal', () => {
	it('typed key by key from the first step to Done: the push and the pull really happen, the app exits 0 and gives the terminal back', async () => {
		const image = `${uniqueName('tty-source')}:1.0`;
		await makeTestImage(image);
		const plan: Plan = {image, repository: uniqueName('tty-first'), pullRef: classmateImage};
		const target = targetOf(plan);
		cleanups.push(
			() => removeImage(image),
			() => removeImage(target),
		);
		const lab = await startLab();

		const {digest} = await driveTo(lab, 'end', plan);
		const exited = await lab.term.exited();
		expect(exited.code).toBe(0);
		expect(exited).toMatchObject({icanon: true, echo: true});
		expect(lab.term.cursorVisible()).toBe(true);

		// The registry has what the screen said was pushed; the classmate's image is on this computer.
		expect(digest).toBeDefined();
		const manifest = await createRegistryClient({registry: registry.host, credentials: student}).headManifest(`student/${plan.repository}`, '1.0');
		expect(manifest).toMatchObject({ok: true, digest});
		expect(await imageExists(classmateImage)).toBe(true);
		const store = progressOf(lab);
		expect(store.get(lesson.id)).toMatchObject({finished: true, vars: {username: student.username, target, digest, pullRef: classmateImage}});

		// The last words stay in the scrollback once the app is gone, between its last frame and the shell's EXIT=0
		// (src/text/summary.ts): what was pushed, its digest, what was pulled, how to log out, where the proof is kept.
		const scrollback = lab.term.capture({scrollback: true});
		const words = scrollback.slice(scrollback.lastIndexOf('Lesson finished:'), scrollback.lastIndexOf('EXIT=0'));
		expect(words).toMatch(new RegExp(`^Lesson finished: you did all ${steps.length} steps of "${escape(lesson.title)}"\\.\\s*$`, 'm'));
		expect(words).toMatch(new RegExp(`^ +pushed +${escape(target)}\\s*$`, 'm'));
		expect(words).toMatch(new RegExp(`^ +digest +${escape(digest!)}\\s*$`, 'm'));
		// Whose image it was, as the pull step's check found it.
		expect(words).toMatch(new RegExp(`^ +pulled +${escape(classmateImage)} +\\(classmate's image\\)\\s*$`, 'm'));
		expect(words).toMatch(new RegExp(`^ +docker logout ${escape(registry.host)}\\s*$`, 'm'));
		expect(words).toSatisfy(showsText(`Progress saved in ${store.path}; registry-lab verify checks every step again.`));
		// Where the login is kept, plainly, and the command that removes what the lesson made (a shared computer).
		expect(words).toSatisfy(showsText(`Your login is kept in ${path.join(lab.dockerConfig, 'config.json')}, unencrypted`));
		expect(words).toMatch(/^ +registry-lab cleanup\s*$/m);

		// Every step's title was waited for on the way (driveTo); the password was typed but never shown.
		const written = lab.term.output();
		expect(written).not.toContain(student.password);
		expect(scrollback).not.toContain(student.password);
		expect(await readFile(store.path, 'utf8')).not.toContain(student.password);
	});
});

/** The last words of a lab left before the end, once a step has passed: where the progress is, and how to resume. */
const savedWords = (lab: Lab): ((screen: string) => boolean) =>
	showsText(`You left the lesson before the end. Progress saved in ${progressOf(lab).path} — run registry-lab --lesson registries again to resume.`);

describe('secrets in a real terminal', () => {
	it('the password typed at the login step is in no scrollback, in nothing written to the terminal, and not in the progress file', async () => {
		const lab = await startLab();
		await driveTo(lab, 'choose-image', {image: 'unused', repository: 'unused', pullRef: 'unused'});
		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1, icanon: true, echo: true});

		// The app's last words, in the scrollback: where the progress was saved.
		expect(lab.term.capture({scrollback: true})).toSatisfy(savedWords(lab));
		expect(lab.term.capture({scrollback: true})).not.toContain(student.password);
		expect(lab.term.output()).not.toContain(student.password);
		const store = progressOf(lab);
		expect(store.get(lesson.id)).toMatchObject({stepId: 'choose-image', completed: ['what-is-a-registry', 'account', 'login']});
		expect(await readFile(store.path, 'utf8')).not.toContain(student.password);
	});
});

describe('ctrl+c in a real terminal', () => {
	it('mid-way through a 200 MB push: ctrl+c stops docker push; a second ctrl+c leaves (exit 1), the terminal given back, progress kept', async () => {
		await ensureBigImage();
		const plan: Plan = {image: bigImage.reference, repository: uniqueName('tty-big'), pullRef: 'unused'};
		const target = targetOf(plan);
		cleanups.push(() => removeImage(target));
		const lab = await startLab();
		await driveTo(lab, 'push', plan);
		await typeCommand(lab, `docker push ${target}`);

		// The push is under way: the screen says so, and docker push runs.
		await lab.term.waitFor(screen => screen.includes('The push refers to repository') && screen.includes('Running docker'), {
			what: 'the push to be under way',
		});
		const pushing = `docker push ${registry.host}/`;
		expect(processes(pushing)).not.toEqual([]);
		expect(lab.term.cursorVisible()).toBe(false);
		lab.term.sendKeys('C-c');

		// In the app ctrl+c stops the command that runs (README, Keys): docker push ends, the lab stays.
		expect(await within(2000, () => processes(pushing).length === 0)).toBe(true);
		await lab.term.waitFor('Stopped.');
		expect(lab.term.hasExited()).toBe(false);
		const manifest = await createRegistryClient({registry: registry.host, credentials: student}).headManifest(`student/${plan.repository}`, '1.0');
		expect(manifest.ok).toBe(false);

		// A second ctrl+c leaves: 1, the lesson was left before the end (README, exit codes).
		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1, icanon: true, echo: true});
		expect(lab.term.cursorVisible()).toBe(true);
		expect(processes(pushing)).toEqual([]);
		expect(progressOf(lab).get(lesson.id)).toMatchObject({
			stepId: 'push',
			vars: {target},
			completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'],
		});
		expect(progressOf(lab).get(lesson.id)?.finished).not.toBe(true);
	});
});

/** A plan for a lab that stops before it needs an image, a repository or a classmate's image. */
const upToTheImage: Plan = {image: 'unused', repository: 'unused', pullRef: 'unused'};

/** `{host}` and `{user}` in a line, filled with the class registry's address and the student's username. */
const filled = (line: string): string => line.replaceAll('{host}', registry.host).replaceAll('{user}', student.username);

/** The login docker keeps in a lab's DOCKER_CONFIG for the class registry: `username:password`, or undefined. */
async function storedLogin(lab: Lab): Promise<string | undefined> {
	const config = JSON.parse(await readFile(path.join(lab.dockerConfig, 'config.json'), 'utf8')) as {auths?: Record<string, {auth?: string}>};
	const auth = config.auths?.[registry.host]?.auth;
	return auth === undefined ? undefined : Buffer.from(auth, 'base64').toString('utf8');
}

/** The step's number and the row of marks while step `id` is on screen, every step before it passed: `Step 4 of 9 ✔✔✔●○○○○○`. */
const stepRow = (id: string): string => {
	const index = steps.findIndex(step => step.id === id);
	return `Step ${index + 1} of ${steps.length} ${marks.pass.repeat(index)}${marks.current}${marks.todo.repeat(steps.length - index - 1)}`;
};

/** What the app says under the typed command line (the refusal of the last line), joined into one text; '' when nothing. */
function refusalOn(screen: string): string {
	const lines = screen.split('\n');
	const field = lines.findIndex(line => /^ *\$ /.test(line));
	if (field < 0) return '';
	const after = lines.slice(field + 1);
	const end = after.findIndex(line => line.trim() === '');
	return (end < 0 ? after : after.slice(0, end)).map(line => line.trim()).join(' ');
}

describe('typing the login command', () => {
	// The spellings docker accepts (test/fixtures/typed-lines.ts has the grader's whole table): each is accepted, and
	// what runs is the step's own command, with the password on standard input. One small lab each, left at step 4.
	const spellings = [
		{line: 'docker login {host} -u {user}', why: 'docker would ask for the password: the lab hands it over'},
		{line: 'docker login --username={user} {host}', why: '--username=VALUE'},
		{line: 'docker login -u{user} {host}', why: 'the value attached to -u'},
		{line: 'docker login --username {user} --password-stdin {host}', why: 'the options before the registry'},
		{line: 'docker login {host}', why: 'the registry alone: docker would ask for the rest'},
	];

	for (const {line, why} of spellings) {
		it(`${line} (${why}): the step passes, docker holds the login, the password is shown nowhere`, async () => {
			const lab = await startLab();
			await driveTo(lab, 'choose-image', {...upToTheImage, lines: {login: filled(line)}});
			await lab.term.waitFor(stepRow('choose-image'), {what: 'the steps before it marked passed'});
			expect(await storedLogin(lab)).toBe(`${student.username}:${student.password}`);

			await press(lab, 'quit');
			expect(await lab.term.exited()).toMatchObject({code: 1});
			const scrollback = lab.term.capture({scrollback: true});
			expect(scrollback).toSatisfy(savedWords(lab));
			expect(scrollback).not.toContain(student.password);
			expect(lab.term.output()).not.toContain(student.password);
			expect(progressOf(lab).get(lesson.id)).toMatchObject({stepId: 'choose-image', completed: ['what-is-a-registry', 'account', 'login']});
		});
	}

	it('a password on the line (-p) is refused without being repeated; ctrl+u clears the line, and the line typed instead logs in', async () => {
		const secret = 'argv-secret-4711';
		const lab = await startLab();
		await driveTo(lab, 'login', upToTheImage);
		await answer(lab, `Password for ${student.username} on the class registry ${registry.host}`, student.password, '*'.repeat(student.password.length));
		await press(lab, 'type it myself');
		const line = filled(`docker login {host} -u {user} -p ${secret}`);
		await typeCommand(lab, line);

		// Refused, and said why; the secret is on screen once: in the field the student typed it into.
		const refused = await lab.term.waitFor(screen => /puts your password on the command line.*Type: `[^`]+`/.test(refusalOn(screen)), {
			what: 'the refusal of -p, and the line to type instead',
		});
		const refusal = refusalOn(refused);
		expect(refusal).toMatch(/^› -p \(--password\) puts your password on the command line\. Never put a password on the command line/);
		expect(refusal).not.toContain(secret);
		expect(refused.split(secret)).toHaveLength(2);
		expect(refused).toMatch(new RegExp(`^ *\\$ ${escape(line)}\\s*$`, 'm'));
		expect(await storedLogin(lab)).toBeUndefined();

		// Mended in place: ctrl+u empties the line (the secret is gone from the screen), and the line the refusal offers is typed.
		const offered = /Type: `([^`]+)`/.exec(refusal)?.[1];
		expect(offered).toBe(filled('docker login {host} --username {user} --password-stdin'));
		lab.term.sendKeys('C-u');
		const cleared = await lab.term.waitFor(/^ *\$ docker …\s*$/m, {what: 'the typed line to be empty (its placeholder)'});
		expect(cleared).not.toContain(secret);
		await typeCommand(lab, offered!);
		await lab.term.waitFor(showsText(`${marks.pass} Logged in to ${registry.host} as ${student.username}`), {what: 'the login to pass'});
		expect(await storedLogin(lab)).toBe(`${student.username}:${student.password}`);
		await press(lab, 'next step');
		await arrive(lab, 'choose-image');

		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1});
		expect(lab.term.capture({scrollback: true})).not.toContain(student.password);
		expect(lab.term.output()).not.toContain(student.password);
		expect(await readFile(progressOf(lab).path, 'utf8')).not.toContain(secret);
	});

	it('docker image tag, docker image push and docker image pull are accepted at their steps, and really tag, push and pull', async () => {
		const image = `${uniqueName('tty-forms')}:1.0`;
		await makeTestImage(image);
		const pullRef = await pushAsClassmate(registry.host, classmate, 'tty-forms-shared');
		const repository = uniqueName('tty-forms');
		const target = targetOf({image, repository, pullRef});
		const plan: Plan = {
			image,
			repository,
			pullRef,
			lines: {tag: `docker image tag ${image} ${target}`, push: `docker image push ${target}`, pull: `docker image pull ${pullRef}`},
		};
		cleanups.push(
			() => removeImage(image),
			() => removeImage(target),
			() => removeImage(pullRef),
		);
		expect(await imageExists(pullRef)).toBe(false);
		const lab = await startLab();

		const {digest} = await driveTo(lab, 'end', plan);
		expect(await lab.term.exited()).toMatchObject({code: 0});
		expect(await imageExists(target)).toBe(true);
		const manifest = await createRegistryClient({registry: registry.host, credentials: student}).headManifest(`student/${plan.repository}`, '1.0');
		expect(manifest).toMatchObject({ok: true, digest});
		expect(await imageExists(pullRef)).toBe(true);
	});
});

describe('editing a line', () => {
	it('a paste ending in Enter submits; typing replaces a default; a burst of Backspace deletes one character a key; ctrl+u empties the line', async () => {
		const image = `${uniqueName('tty-edit')}:1.0`;
		await makeTestImage(image);
		cleanups.push(() => removeImage(image));
		const repository = uniqueName('tty-edit');
		const lab = await startLab();
		await driveTo(lab, 'account', upToTheImage);

		// The username pasted with its line break, in one piece: submitted, no key pressed.
		await lab.term.waitFor(showsText(`Your username on ${registry.host}:`));
		lab.term.sendText(`${student.username}\r`);
		await lab.term.waitFor(`Noted: ${student.username}.`, {what: 'the pasted username to be submitted'});
		await press(lab, 'next step');
		await driveTo(lab, 'tag', {...upToTheImage, image}, 'login');

		// The repository's default is replaced by the first key typed, not added to.
		await lab.term.waitFor(defaultShown('Repository name', 'first-image'), {what: 'the default first-image'});
		lab.term.sendText('x');
		await lab.term.waitFor(fieldShows('x'), {what: 'the default replaced by x'});
		lab.term.sendText('abcdefghij');
		await lab.term.waitFor(fieldShows('xabcdefghij'));

		// Four Backspaces in one burst: four characters go, no more, no fewer (what is typed next lands after the rest).
		lab.term.sendKeys('BSpace', 'BSpace', 'BSpace', 'BSpace');
		await lab.term.waitFor(fieldShows('xabcdef'), {what: 'four characters deleted'});
		lab.term.sendText('Z');
		await lab.term.waitFor(fieldShows('xabcdefZ'));

		// ctrl+u deletes to the start of the line: the field is empty.
		lab.term.sendKeys('C-u');
		await lab.term.waitFor(/^ *›\s*$/m, {what: 'the field to be empty'});

		// The repository pasted with its line break: submitted, and it is the answer the step goes on with.
		lab.term.sendText(`${repository}\r`);
		await lab.term.waitFor(defaultShown('Tag (version)', '1.0'), {what: 'the pasted repository to be submitted, and the next question'});
		await press(lab, 'confirm');
		await lab.term.waitFor(showsText(`Your answers: Repository name: ${repository} · Tag (version): 1.0`), {
			what: 'the answers with the pasted repository',
		});
		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1});
	});

	it('a pasted colour sequence neither crashes the app nor enters the field: only its printable text does', async () => {
		const lab = await startLab();
		await driveTo(lab, 'account', upToTheImage);
		await lab.term.waitFor(showsText(`Your username on ${registry.host}:`));
		lab.term.sendText('\u001B[31mred\u001B[0m');
		await lab.term.waitFor(fieldShows('red'), {what: 'the field to show the text of the paste, red'});
		// Drawn as typed text, not as a colour: the field's line holds no red (SGR 31) the paste could have brought.
		const fieldLine = lab.term
			.capture({escapes: true})
			.split('\n')
			.find(line => line.includes('red'));
		expect(fieldLine).toBeDefined();
		expect(fieldLine).not.toMatch(/\[(?:\d+;)*31(?:;\d+)*m/);
		expect(lab.term.hasExited()).toBe(false);

		// The app goes on as before: the field is mended and answered.
		lab.term.sendKeys('C-u');
		await lab.term.waitFor(/^ *›\s*$/m, {what: 'the field to be empty'});
		lab.term.sendText(student.username);
		await lab.term.waitFor(fieldShows(student.username));
		await press(lab, 'confirm');
		await lab.term.waitFor(`Noted: ${student.username}.`);
		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1});
	});
});

/** The longest line of a screen, in characters. */
const widest = (screen: string): number => Math.max(...screen.split('\n').map(line => Array.from(line.trimEnd()).length));

/** A test for waitFor: the screen is the same as at the last poll (50 ms before), so a frame is not read half drawn. */
function steady(): (screen: string) => boolean {
	let last: string | undefined;
	return screen => {
		const same = screen === last;
		last = screen;
		return same;
	};
}

/** The words on a screen, in order, without the boxes' borders. */
const wordsOf = (screen: string): string[] => screen.split(/[\s│─╭╮╰╯]+/).filter(Boolean);

describe('the size of the terminal', () => {
	it('from 100 columns to 60 and back: the lesson text is wrapped again each time, the title and the command stay on screen', async () => {
		const lab = await startLab();
		await driveTo(lab, 'login', upToTheImage);
		await answer(lab, `Password for ${student.username} on the class registry ${registry.host}`, student.password, '*'.repeat(student.password.length));
		const command = `$ docker login ${registry.host} --username ${student.username} --password-stdin`;
		const title = steps.find(step => step.id === 'login')!.title;
		await lab.term.waitFor(screen => showsText(command)(screen) && /type it myself/.test(screen), {what: 'the login command'});
		const wide = await lab.term.waitFor(steady(), {what: 'the screen to stop changing'});
		expect(widest(wide)).toBeGreaterThan(60);

		// Narrow: every line within 60 columns, the same words (nothing cut), the title and the command there.
		lab.term.resize(60, 30);
		const narrow = await lab.term.waitFor(screen => widest(screen) <= 60 && wordsOf(screen).join(' ') === wordsOf(wide).join(' '), {
			what: 'the step drawn again within 60 columns, with the same words',
		});
		expect(narrow).toContain(title);
		expect(narrow).toSatisfy(showsText(command));

		// Wide again: drawn as it was before (the app may draw a frame or two on the way, with the old width's text).
		lab.term.resize(100, 30);
		await lab.term.waitFor(screen => screen.trimEnd() === wide.trimEnd(), {what: 'the step drawn again at 100 columns, as it was before'});

		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1});
	});

	it('at 60×15 the tag and push steps keep their title, the command and the keys in view', async () => {
		const image = `${uniqueName('tty-small')}:1.0`;
		await makeTestImage(image);
		const plan: Plan = {image, repository: uniqueName('tty-small'), pullRef: 'unused'};
		const target = targetOf(plan);
		cleanups.push(
			() => removeImage(image),
			() => removeImage(target),
		);
		const lab = await startLab({cols: 60, rows: 15});
		const inView = (id: string, ...shown: ((screen: string) => boolean)[]) => {
			const index = steps.findIndex(step => step.id === id);
			return (screen: string): boolean =>
				screen.includes(`Step ${index + 1} of ${steps.length}`) &&
				screen.includes(steps[index]!.title) &&
				widest(screen) <= 60 &&
				shown.every(test => test(screen));
		};
		const hint = (label: string) => (screen: string) => new RegExp(`\\S+ ${escape(label)}(?: {2}|\\s*$)`, 'm').test(screen);

		await driveTo(lab, 'tag', plan);
		await replaceDefault(lab, 'Repository name', 'first-image', plan.repository);
		await replaceDefault(lab, 'Tag (version)', '1.0', '1.0');
		// Ready to type: the title, the line to type on, and the keys.
		await lab.term.waitFor(
			inView('tag', screen => /^ *\$ /m.test(screen), hint('run what you typed')),
			{what: 'the tag step, ready, in view'},
		);
		await typeCommand(lab, `docker tag ${image} ${target}`);
		// Done: the title, the command that ran, the result and the keys.
		await lab.term.waitFor(inView('tag', showsText(`$ docker tag ${image} ${target}`), showsText('are the same image'), hint('next step')), {
			what: 'the tag step, passed, in view',
		});
		await press(lab, 'next step');

		await arrive(lab, 'push');
		await lab.term.waitFor(
			inView('push', screen => /^ *\$ /m.test(screen), hint('run what you typed')),
			{what: 'the push step, ready, in view'},
		);
		await typeCommand(lab, `docker push ${target}`);
		await lab.term.waitFor(
			inView('push', showsText(`$ docker push ${target}`), screen => /Digest:sha256:[0-9a-f]{64}/.test(screen.replace(/\s+/g, '')), hint('next step')),
			{
				what: 'the push step, passed, in view',
				timeoutMs: 90_000,
			},
		);

		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1});
	});
});
