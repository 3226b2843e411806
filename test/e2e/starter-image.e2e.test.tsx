import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {authorLabel, imageFacts, imageId, makeStarterImage, starterImageFor, tokenLabel} from '../../src/container/images.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {runCommand} from '../../src/run/run-command.js';
import {App} from '../../src/ui/app.js';
import {removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';

let lesson: Lesson;
// The run's username is 'student': the starter image is named after its author.
const starterImageName = starterImageFor('student');
const made: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
});

afterAll(async () => {
	for (const reference of made) await removeImage(reference).catch(() => undefined);
	for (const cleanup of cleanups) await cleanup();
});

/** The id an image name points at, from the engine itself. */
async function idOf(reference: string): Promise<string> {
	const id = await imageId(testEngine(), reference);
	if (!id.ok) throw new Error(`${reference}: ${id.output}`);
	return id.value;
}

/** The content of an image: its layers' digests. */
async function layersOf(reference: string): Promise<string> {
	const inspected = await runCommand({file: 'docker', args: ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', reference], timeoutMs: 30_000});
	expect(inspected.exitCode, inspected.stderr).toBe(0);
	return inspected.stdout.trim();
}

/** The app at the image step of a class-registry run, with a login store of its own. */
async function atImageStep(completed?: string[]) {
	const config = await tempDockerConfig();
	cleanups.push(config.cleanup);
	return render(
		<App
			lesson={lesson}
			engine={testEngine(config.env)}
			choice={{kind: 'class', host: '127.0.0.1:5999'}}
			resume={{stepId: 'choose-image', vars: {username: 'student'}, ...(completed ? {completed} : {})}}
		/>,
	);
}

/** The student picks the starter image (the first choice) at the image step, in the app. */
async function chooseStarter(): Promise<void> {
	const app = await atImageStep(['what-is-a-registry', 'account', 'login']);
	try {
		await waitForText(app, /(Make a small|Use the) starter image/);
		await press(app, keys.enter);
		await waitForText(app, `${starterImageName} is on this computer`, 60_000);
	} finally {
		app.unmount();
	}
}

describe('the starter image is made once and used from then on', () => {
	it('choosing it twice gives the same image id: a name given to it earlier still points at it', async () => {
		await chooseStarter();
		const first = await idOf(starterImageName);
		// As the tag step does: another name for the same image (an earlier run's pushed name).
		const named = `127.0.0.1:5999/student/${uniqueName('starter')}:1.0`;
		made.push(named);
		const tagged = await runCommand({file: 'docker', args: ['tag', starterImageName, named], timeoutMs: 30_000});
		expect(tagged.exitCode, tagged.stderr).toBe(0);

		await chooseStarter();
		expect(await idOf(starterImageName)).toBe(first);
		expect(await idOf(named)).toBe(first);
		// Offered as one to use, now that it is here.
		const app = await atImageStep();
		const screen = await waitForText(app, 'Use the starter image (registry-lab-starter-student:1.0, made earlier on this computer)');
		expect(screen.match(/registry-lab-starter-student:1\.0/g)).toHaveLength(1);
		app.unmount();
	});

	it('carries labels naming its author and a random token; made for another author, it is another image', async () => {
		const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
		made.push(starterImageFor(alice), starterImageFor(bob));
		expect(await makeStarterImage(testEngine(), alice)).toEqual({ok: true, value: `registry-lab-starter-${alice}:1.0`});
		const first = await imageFacts(testEngine(), starterImageFor(alice));
		if (!first.ok) throw new Error(first.output);
		expect(first.value.labels[authorLabel]).toBe(alice);
		expect(first.value.labels[tokenLabel]).toMatch(/^[0-9a-f]{24}$/);
		// Made again: reused as it is, the same id and token.
		expect(await makeStarterImage(testEngine(), alice)).toEqual({ok: true, value: starterImageFor(alice)});
		expect(await imageFacts(testEngine(), starterImageFor(alice))).toEqual(first);
		// Another author's is an image of its own, with its own token.
		await makeStarterImage(testEngine(), bob);
		const other = await imageFacts(testEngine(), starterImageFor(bob));
		if (!other.ok) throw new Error(other.output);
		expect(other.value.labels[authorLabel]).toBe(bob);
		expect(other.value.labels[tokenLabel]).not.toBe(first.value.labels[tokenLabel]);
		expect(other.value.id).not.toBe(first.value.id);
	});

	it('made again where it is gone, it has the same content: the same bytes, so the same layer', async () => {
		const [one, two] = [`${uniqueName('starter-a')}:1.0`, `${uniqueName('starter-b')}:1.0`];
		made.push(one, two);
		expect(await makeStarterImage(testEngine(), 'student', {reference: one})).toEqual({ok: true, value: one});
		// A second apart at least, so a time stamped into the content would show.
		await new Promise(resolve => setTimeout(resolve, 1100));
		expect(await makeStarterImage(testEngine(), 'student', {reference: two})).toEqual({ok: true, value: two});
		expect(await layersOf(two)).toBe(await layersOf(one));
		expect(JSON.parse(await layersOf(one))).toHaveLength(1);
	});
});
