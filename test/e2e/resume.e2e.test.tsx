import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import type {SavedRun} from '../../src/driver/saved-run.js';
import {App} from '../../src/ui/app.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, waitForText} from '../helpers/ink.js';
import {dockerLogin, startTestRegistry} from '../helpers/registry.js';
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
