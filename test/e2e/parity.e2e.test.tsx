import {PassThrough} from 'node:stream';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Effect} from '../../src/lesson-run/lesson-run.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {runPlain} from '../../src/plain/run-plain.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {App} from '../../src/ui/app.js';
import {removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {pushAsClassmate, startTestRegistry} from '../helpers/registry.js';

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
	classmateImage = await pushAsClassmate(registry.host, classmate, 'parity-shared');
});

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

/** The same lesson, as one student would go through it in either face, with the same mistake on the way. */
function script(repository: string) {
	const target = `${registry.host}/student/${repository}:1.0`;
	return {
		target,
		tag: `docker tag registry-lab-starter-student:1.0 ${target}`,
		mistake: `docker pus ${target}`,
		push: `docker push ${target}`,
		pull: `docker pull ${classmateImage}`,
	};
}

async function throughTheApp(repository: string): Promise<Effect[]> {
	const config = await tempDockerConfig();
	cleanups.push(config.cleanup);
	const effects: Effect[] = [];
	let exited: {finished: boolean} | undefined;
	const app = render(
		<App
			lesson={lesson}
			engine={testEngine(config.env)}
			choice={{kind: 'class', host: registry.host}}
			onEffect={effect => effects.push(effect)}
			onExit={outcome => (exited = outcome)}
		/>,
	);
	cleanups.push(async () => app.unmount());
	const lines = script(repository);
	await waitForText(app, 'What a registry is');
	await press(app, keys.enter);
	await waitForText(app, /Your username on/);
	await type(app, student.username);
	await press(app, keys.enter);
	await waitForText(app, 'Noted: student');
	await press(app, keys.enter);
	await waitForText(app, 'Password for student');
	await type(app, student.password);
	await press(app, keys.enter);
	await waitForText(app, 'enter run it');
	await press(app, keys.enter);
	await waitForText(app, /Logged in to .* as student/);
	await press(app, keys.enter);
	await waitForText(app, /(Make a small|Use the) starter image/);
	await press(app, keys.enter);
	await waitForText(app, /registry-lab-starter-student:1\.0 is on this computer/);
	await press(app, keys.enter);
	await waitForText(app, 'Repository name');
	await press(app, ...Array.from({length: 'first-image'.length}, () => keys.backspace));
	await type(app, repository);
	await press(app, keys.enter);
	await waitForText(app, 'Tag (version)');
	await press(app, keys.enter);
	await waitForText(app, 'Type the command yourself');
	await type(app, lines.tag);
	await press(app, keys.enter);
	await waitForText(app, /are the same image/);
	await press(app, keys.enter);
	await waitForText(app, 'Push it');
	await waitForText(app, 'Type the command yourself');
	await type(app, lines.mistake);
	await press(app, keys.enter);
	await waitForText(app, "did you mean 'docker push'");
	await press(app, ...Array.from({length: lines.mistake.length}, () => keys.backspace));
	await type(app, lines.push);
	await press(app, keys.enter);
	await waitForText(app, /Digest: sha256:/, 60_000);
	await press(app, keys.enter);
	await waitForText(app, 'See it in the registry');
	await press(app, keys.enter);
	await waitForText(app, /Tags in /);
	await press(app, keys.enter);
	await waitForText(app, 'Image to pull');
	await type(app, classmateImage);
	await press(app, keys.enter);
	await waitForText(app, 'Type the command yourself');
	await type(app, lines.pull);
	await press(app, keys.enter);
	await waitForText(app, 'is on this computer', 60_000);
	await press(app, keys.enter);
	await waitForText(app, 'Done');
	await press(app, keys.enter);
	await waitUntil(() => exited !== undefined);
	expect(exited).toEqual({finished: true});
	return effects;
}

async function throughPlainMode(repository: string): Promise<Effect[]> {
	const config = await tempDockerConfig();
	cleanups.push(config.cleanup);
	const effects: Effect[] = [];
	const lines = script(repository);
	// Every answer at once, as a script would pipe them: each waits for its question.
	const answers = ['', student.username, student.password, '', '0', repository, '', lines.tag, lines.mistake, lines.push, '', classmateImage, lines.pull, ''];
	const input = new PassThrough();
	const output = new PassThrough();
	let printed = '';
	output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
	input.end(`${answers.join('\n')}\n`);
	const outcome = await runPlain({
		lesson,
		engine: testEngine(config.env),
		choice: {kind: 'class', host: registry.host},
		input,
		output,
		onEffect: effect => effects.push(effect),
	});
	expect(outcome, printed).toEqual({finished: true});
	expect(printed).toMatch(/^Not run: 'docker pus' is not a command/m);
	return effects;
}

describe('one driver, two faces', () => {
	it('the app and plain mode carry out the same commands and checks, in the same order', async () => {
		const repository = uniqueName('parity');
		cleanups.push(() => removeImage(`${registry.host}/student/${repository}:1.0`));
		const app = await throughTheApp(repository);
		await removeImage(classmateImage);
		const plain = await throughPlainMode(repository);
		await removeImage(classmateImage);

		const kinds = app.map(effect =>
			effect.kind === 'command' ? `command ${effect.args[0]}` : effect.kind === 'check' ? `check ${effect.check.type}` : 'before',
		);
		expect(kinds).toEqual([
			'check recorded',
			'command login',
			'check logged-in',
			'check local-image',
			'before',
			'command tag',
			'check same-image',
			'before',
			'command push',
			'check manifest',
			'check tags',
			'before',
			'command pull',
			'check classmate-image',
		]);
		expect(plain).toEqual(app);
	});
});
