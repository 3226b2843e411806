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
};

/** `registry-lab --registry HOST` in a new terminal, with an empty login store and progress folder of its own. */
async function startLab(size: {cols?: number; rows?: number} = {}): Promise<Lab> {
	const config = await tempDockerConfig();
	const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-tty-'));
	const term = startTmux([process.execPath, 'dist/cli.js', '--registry', registry.host], {
		...size,
		cwd: repo,
		env: {...config.env, REGISTRY_LAB_HOME: home},
	});
	cleanups.push(
		async () => term.kill(),
		config.cleanup,
		() => rm(home, {recursive: true, force: true}),
	);
	return {term, home};
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

/** Type a command line at the app's `$` prompt, see it there, and run it. */
async function typeCommand(lab: Lab, line: string): Promise<void> {
	await lab.term.waitFor('Type the command yourself');
	lab.term.sendText(line);
	await lab.term.waitFor(showsText(`$ ${line}`), {what: `the typed line $ ${line}`});
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
		await lab.term.waitFor(`Logged in to ${registry.host} as ${student.username}`);
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
 * Go through the lesson from its first step as `plan` says, each step's title seen on the way, until
 * step `until` is on screen (`'end'`: through the last step, until the app leaves).
 */
async function driveTo(lab: Lab, until: string, plan: Plan): Promise<Facts> {
	const facts: Facts = {};
	const end = until === 'end' ? steps.length : steps.findIndex(step => step.id === until);
	if (end < 0) throw new Error(`no step ${until} in the lesson on a class registry`);
	for (const step of steps.slice(0, end)) {
		await arrive(lab, step.id);
		const driver = drivers[step.id];
		if (!driver) throw new Error(`the terminal tests have no driver for the step ${step.id}: add one`);
		await driver(lab, plan, facts);
	}
	if (until !== 'end') await arrive(lab, until);
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
		expect(store.get(lesson.id)).toMatchObject({finished: true, username: student.username, target, digest, pullRef: classmateImage});

		// Every step's title was waited for on the way (driveTo); the password was typed but never shown.
		const written = lab.term.output();
		expect(written).not.toContain(student.password);
		expect(lab.term.capture({scrollback: true})).not.toContain(student.password);
		expect(await readFile(store.path, 'utf8')).not.toContain(student.password);
	});
});

describe('secrets in a real terminal', () => {
	it('the password typed at the login step is in no scrollback, in nothing written to the terminal, and not in the progress file', async () => {
		const lab = await startLab();
		await driveTo(lab, 'choose-image', {image: 'unused', repository: 'unused', pullRef: 'unused'});
		await press(lab, 'quit');
		expect(await lab.term.exited()).toMatchObject({code: 1, icanon: true, echo: true});

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
			target,
			completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'],
		});
		expect(progressOf(lab).get(lesson.id)?.finished).not.toBe(true);
	});
});

// ---------------------------------------------------------------------------------------------------
// Room for the cases that come next, one describe block per area. (Vitest fails a describe with no
// test in it, so an area's block is written with its first test.) Each test starts a lab (startLab; a
// size of its own for the small screens), goes through the lesson with driveTo(lab, STEP, plan) to the
// step it is about, then types (term.sendText, term.sendKeys) and reads the screen (term.waitFor,
// term.capture) itself.
//
// describe('typing the login command'): each spelling docker accepts is accepted at the login step
//   and logs in, through plan.lines.login: `docker login HOST -u student`, `--username=student`,
//   flags before the registry (`docker login --username student --password-stdin HOST`), the
//   registry alone (`docker login HOST`).
//
// describe('editing a line'): a paste that ends with Enter submits (term.sendText('student\r') at the
//   username field); a burst of Backspace (term.sendKeys('BSpace', 'BSpace', …): one call, one read)
//   deletes one character per key; Ctrl+U (term.sendKeys('C-u')) empties the line.
//
// describe('the size of the terminal'): a resize from 100 to 60 columns and back (term.resize)
//   re-wraps the text; at 60×15 (startLab({cols: 60, rows: 15})) the step's title, the command and
//   the key hints stay visible.
//
// describe('the end of the lesson'): once the app has exited after Done, the summary (pushed,
//   digest, pulled) is in the scrollback (term.capture({scrollback: true})).
