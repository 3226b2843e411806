import {EventEmitter} from 'node:events';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import {stepsFor} from '../../src/lesson/steps.js';
import type {RunState} from '../../src/lesson-run/lesson-run.js';
import {loadScreen} from '../../src/commands/lab.js';
import type {renderApp as RenderApp} from '../../src/ui/render-app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {keys, press, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';

/** A terminal of the test's own: every write kept, in order. */
class Terminal extends EventEmitter {
	readonly writes: string[] = [];
	readonly columns = 100;
	readonly rows = 40;
	readonly isTTY = true;
	write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
		this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
		const done = rest.find(value => typeof value === 'function') as (() => void) | undefined;
		done?.();
		return true;
	};
	text = (): string => this.writes.join('');
	/** What Ink has drawn so far, for waitForText. */
	lastFrame = (): string => this.text();
}

/** Keys of the test's own, as Ink reads them. */
class Keyboard extends EventEmitter {
	readonly isTTY = true;
	private pending: string | null = null;
	write(data: string): void {
		this.pending = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read = (): string | null => {
		const data = this.pending;
		this.pending = null;
		return data;
	};
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

let lesson: Lesson;
let config: Awaited<ReturnType<typeof tempDockerConfig>>;

// Loaded as the lab loads it (lab.ts): a CI variable exported by the shell must not blank the screen.
let renderApp: typeof RenderApp;

beforeAll(async () => {
	({renderApp} = await loadScreen(() => import('../../src/ui/render-app.js')));
	lesson = await registryLesson();
	config = await tempDockerConfig();
});

afterAll(async () => {
	await config.cleanup();
});

const host = '127.0.0.1:5999';
const vars = {
	username: 'student',
	image: 'registry-lab-starter:1.0',
	target: `${host}/student/first-image:1.0`,
	digest: `sha256:${'b'.repeat(64)}`,
	pullRef: `${host}/classmate/hello:1.0`,
};
const progressFile = '/home/sam/.config/registry-lab/progress.json';

/** The app through renderApp, at the Done step of a class-registry run with every other step done. */
function atTheDoneStep() {
	const stdout = new Terminal();
	const stdin = new Keyboard();
	const saved: RunState[] = [];
	const completed = stepsFor(lesson, 'class')
		.map(step => step.id)
		.filter(id => id !== 'done');
	const running = renderApp(
		{
			lesson,
			engine: testEngine(config.env),
			choice: {kind: 'class', host},
			resume: {stepId: 'done', vars, completed},
			onProgress: state => void saved.push(state),
		},
		{
			ending: {progressFile: () => progressFile, resumeWith: 'registry-lab'},
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			stderr: new Terminal() as unknown as NodeJS.WriteStream,
		},
	);
	// The Done step, with its key hints: the app waits for the student's move.
	const ready = () => waitForText(stdout, /docker logout 127\.0\.0\.1:5999[\s\S]*enter[^\n]*continue/);
	return {stdout, stdin, saved, running, ready};
}

describe('the end of a lesson in the app stays on the screen', () => {
	it('Enter on Done: saved as finished, and once the app has unmounted the summary is printed, as plain lines', async () => {
		const app = atTheDoneStep();
		await app.ready();
		await press(app, keys.enter);
		expect(await app.running).toEqual({finished: true});
		expect(app.saved.at(-1)?.phase.name).toBe('finished');

		const {writes} = app.stdout;
		const summary = writes.findIndex(write => write.includes('Lesson finished'));
		// The last write, after every write of Ink's (its frames and its farewell all carry escape codes).
		expect(summary).toBe(writes.length - 1);
		expect(writes.slice(summary).some(write => write.includes('\u001B'))).toBe(false);
		expect(writes[summary]).not.toContain('\u001B');
		expect(writes[summary]).toBe(
			[
				'',
				'Lesson finished: you did all 9 steps of "Share an image through a registry".',
				`  pushed  ${vars.target}`,
				`  digest  ${vars.digest}`,
				`  pulled  ${vars.pullRef}`,
				'On a shared computer, log out so the next person cannot push as you:',
				'  docker logout 127.0.0.1:5999',
				`Progress saved in ${progressFile}; registry-lab verify checks every step again.`,
				'',
			].join('\n'),
		);
	});

	it('leaving (ctrl+c): after the app is gone, one line says where the progress was saved and how to resume', async () => {
		const app = atTheDoneStep();
		await app.ready();
		await press(app, keys.ctrlC);
		expect(await app.running).toEqual({finished: false});
		expect(app.stdout.writes.at(-1)).toBe(`\nYou left the lesson before the end.\nProgress saved in ${progressFile} — run registry-lab again to resume.\n`);
	});
});
