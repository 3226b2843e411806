import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import type {RunState} from '../../src/lesson-run/lesson-run.js';
import {progressOfRun} from '../../src/driver/save-progress.js';
import {openProgressStore, progressFrom, type ProgressStore} from '../../src/progress/store.js';
import {startPracticeRegistry, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {savedRuns, type SavedRun} from '../../src/driver/saved-run.js';
import {App} from '../../src/ui/app.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, waitForText, waitUntil} from '../helpers/ink.js';
import {dockerLogin, portOpen, startTestRegistry} from '../helpers/registry.js';
import {registryLesson} from '../helpers/lesson.js';

const student = {username: 'student', password: 'student-pass-1234'};
let registry: PracticeRegistry;
let lesson: Lesson;

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	registry = await startTestRegistry([student]);
});

afterAll(async () => {
	await registry?.stop();
});

describe('resuming an unfinished lesson', () => {
	async function savedRun() {
		const config = await tempDockerConfig();
		await dockerLogin(config.env, registry.host, student.username, student.password);
		const image = `${uniqueName('source')}:1.0`;
		const target = `${registry.host}/student/${uniqueName('resume')}:1.0`;
		await makeTestImage(image);
		const saved: SavedRun = {
			choice: {kind: 'class', host: registry.host},
			stepId: 'push',
			completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'],
			vars: {username: student.username, image, target},
		};
		return {config, image, target, saved};
	}

	it('re-checks the steps done, and goes back to the tag step when the tagged image is gone, saying why', async () => {
		const {config, image, saved} = await savedRun();
		// The tag was never made (or was deleted since): the tag step no longer holds.
		const app = render(<App lesson={lesson} engine={testEngine(config.env)} saved={saved} />);
		const offer = await waitForText(app, 'Resume at step 6: Push it');
		expect(offer).toContain(`on ${registry.host} as student`);
		await press(app, keys.enter);
		const back = await waitForText(app, 'Back to “Name it for the registry”');
		expect(back).toContain('Step 5 of 9');
		expect(back).toMatch(/There is no image called/);
		app.unmount();
		await removeImage(image);
	});

	it('resumes where the student stopped when everything still holds', async () => {
		const {config, image, target, saved} = await savedRun();
		await makeTestImage(target);
		await removeImage(image);
		const app = render(<App lesson={lesson} engine={testEngine(config.env)} saved={{...saved, vars: {...saved.vars, image: target}}} />);
		await waitForText(app, 'Resume at step 6');
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		const screen = await waitForText(app, `$ docker push ${target}`);
		expect(screen).toContain('Step 6 of 9');
		expect(screen).not.toContain('Back to');
		app.unmount();
		await removeImage(target);
	});

	it('start over goes to the start screen', async () => {
		const {config, image, saved} = await savedRun();
		const app = render(<App lesson={lesson} engine={testEngine(config.env)} saved={saved} />);
		await waitForText(app, 'Resume at step 6');
		await press(app, keys.down, keys.enter);
		await waitForText(app, 'Where will you push your image?');
		app.unmount();
		await removeImage(image);
	});
});

describe('unfinished runs on several registries', () => {
	const homes: string[] = [];
	afterAll(async () => {
		for (const home of homes) await rm(home, {recursive: true, force: true});
	});

	/** A progress file of the test's own, holding an unfinished run on the class registry at the push step. */
	async function storeWithClassRun(): Promise<ProgressStore> {
		const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-runs-'));
		homes.push(home);
		const store = openProgressStore({cwd: home});
		const vars = {username: student.username, image: 'alpine:latest', target: `${registry.host}/student/x:1.0`};
		const completed = ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'];
		store.save(lesson.id, progressFrom({registry: registry.host, registryKind: 'class', vars, completed, stats: {}, stepId: 'push', finished: false}));
		return store;
	}

	/** The app as the CLI starts it: the lesson's unfinished runs from the store, and progress saved into it. */
	function appFor(store: ProgressStore, choice: {kind: 'class'; host: string} | {kind: 'practice'}, env: Record<string, string>) {
		let exited: {finished: boolean} | undefined;
		let practice: PracticeRegistry | undefined;
		const app = render(
			<App
				lesson={lesson}
				engine={testEngine(env)}
				choice={choice}
				runs={savedRuns(lesson, store.runs(lesson.id))}
				onProgress={(state: RunState) => store.save(lesson.id, progressOfRun(state))}
				startPractice={async options => {
					const started = await startPracticeRegistry(options);
					if (started.ok) practice = started;
					return started;
				}}
				onExit={outcome => (exited = outcome)}
			/>,
		);
		return {app, exited: () => exited, practice: () => practice};
	}

	it('a --practice run that passes steps leaves the class-registry run alone, which --registry offers again', async () => {
		const store = await storeWithClassRun();
		const config = await tempDockerConfig();
		const practice = appFor(store, {kind: 'practice'}, config.env);
		// Told of the run it does not resume.
		await waitForText(practice.app, `Unfinished: on the class registry ${registry.host} as student (step 6 of 9).`);
		await waitForText(practice.app, 'What a registry is', 60_000);
		await press(practice.app, keys.enter);
		await waitForText(practice.app, 'Your practice account');
		await press(practice.app, keys.enter);
		await waitForText(practice.app, 'Log in to the registry');
		await press(practice.app, keys.ctrlC);
		await waitUntil(() => practice.exited() !== undefined);
		expect(await portOpen(practice.practice()!.host)).toBe(false);

		const runs = store.runs(lesson.id);
		expect(runs.map(run => [run.registryKind, run.stepId])).toEqual([
			['practice', 'login'],
			['class', 'push'],
		]);
		expect(store.get(lesson.id, registry.host)).toMatchObject({completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag']});

		const again = appFor(store, {kind: 'class', host: registry.host}, config.env);
		const offer = await waitForText(again.app, 'Resume at step 6: Push it');
		expect(offer).toContain(`on ${registry.host} as student`);
		again.app.unmount();
		await config.cleanup();
	});

	it('a practice run goes on with a new practice registry: back to logging in to it, with its new password shown', async () => {
		const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-runs-'));
		homes.push(home);
		const store = openProgressStore({cwd: home});
		const old = '127.0.0.1:1';
		const vars = {username: 'student', image: 'alpine:latest', target: `${old}/student/first-image:1.0`};
		const completed = ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag'];
		store.save(lesson.id, progressFrom({registry: old, registryKind: 'practice', vars, completed, stats: {}, stepId: 'push', finished: false}));
		const config = await tempDockerConfig();
		const run = appFor(store, {kind: 'practice'}, config.env);
		await waitForText(run.app, 'Resume at step 6: Push it');
		await press(run.app, keys.enter);
		const back = await waitForText(run.app, 'This practice registry is a new one', 60_000);
		expect(back).toContain('Step 3 of 9');
		await waitForText(run.app, 'registry is a new one (the last one stopped when its lesson ended). Back to “Log in to the registry”');
		const {host, accounts} = run.practice()!;
		expect(host).not.toBe(old);
		await waitForText(run.app, `Your practice password is ${accounts[0]!.password}`);
		// The old registry's names are not carried over: the login is to the new one.
		expect(run.app.lastFrame()).not.toContain(`${old}/student`);
		await press(run.app, keys.ctrlC);
		await waitUntil(() => run.exited() !== undefined);
		expect(await portOpen(host)).toBe(false);
		await config.cleanup();
	});
});
