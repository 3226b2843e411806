import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {startPracticeRegistry, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {App} from '../../src/ui/app.js';
import {imageExists, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {portOpen} from '../helpers/registry.js';

let lesson: Lesson;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
});

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
});

describe('--practice: a registry on this computer, no account needed', () => {
	it('starts a real registry with a generated account, the student pushes to it, and it is stopped at the end', async () => {
		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		let started: PracticeRegistry | undefined;
		let exited: {finished: boolean} | undefined;
		const app = render(
			<App
				lesson={lesson}
				engine={testEngine(config.env)}
				choice={{kind: 'practice'}}
				startPractice={async options => {
					const result = await startPracticeRegistry(options);
					if (result.ok) started = result;
					return result;
				}}
				onExit={outcome => (exited = outcome)}
			/>,
		);
		cleanups.push(async () => app.unmount());

		await waitForText(app, 'What a registry is');
		expect(started?.how).toBe('binary');
		const host = started!.host;
		const {username, password} = started!.accounts[0]!;
		expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
		await press(app, keys.enter);

		// The account is generated and shown; nothing to type.
		const account = await waitForText(app, 'Your practice account');
		expect(account).toContain(`username: ${username}`);
		expect(account).toContain(`password: ${password}`);
		await press(app, keys.enter);

		await waitForText(app, 'Log in to the registry');
		// Pasted with its line ending, as from an instructor's sheet: the line ending is not part of the password.
		await type(app, `${password}\n`);
		await press(app, keys.enter, keys.enter);
		await waitForText(app, new RegExp(`Logged in to ${host.replace(/\./g, '\\.')} as ${username}`));
		await press(app, keys.enter);

		await waitForText(app, /(Make a small|Use the) starter image/);
		await press(app, keys.enter);
		await waitForText(app, /is on this computer/);
		await press(app, keys.enter);

		const repository = uniqueName('practice');
		await waitForText(app, 'Repository name');
		await press(app, ...Array.from({length: 'first-image'.length}, () => keys.backspace));
		await type(app, repository);
		await press(app, keys.enter, keys.enter);
		const target = `${host}/${username}/${repository}:1.0`;
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `docker tag registry-lab-starter-student:1.0 ${target}`);
		await press(app, keys.enter);
		await waitForText(app, /are the same image/);
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `docker push ${target}`);
		await press(app, keys.enter);
		const pushed = await waitForText(app, /The registry has [^\n]*\n\s*Digest: (sha256:[0-9a-f]{64})/, 60_000);
		const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1];
		expect(await createRegistryClient({registry: host, credentials: {username, password}}).headManifest(`${username}/${repository}`, '1.0')).toMatchObject({
			ok: true,
			digest,
		});

		await press(app, keys.enter);
		await waitForText(app, 'See it in the registry');
		await press(app, keys.enter);
		await waitForText(app, /Tags in .*: 1\.0/);
		await press(app, keys.enter);

		// Working alone, a pretend classmate's image is waiting in the practice registry.
		const classmate = `${host}/classmate/hello:1.0`;
		await waitForText(app, `pretend classmate has pushed ${classmate}`);
		expect(await imageExists(classmate)).toBe(false);
		await type(app, classmate);
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab, keys.enter);
		await waitForText(app, `${classmate} is on this computer`, 60_000);
		await removeImage(classmate);

		// Leave the lesson with ctrl+c: the registry must be stopped.
		await press(app, keys.ctrlC);
		await waitUntil(() => exited !== undefined);
		expect(exited).toEqual({finished: false});
		expect(await portOpen(host)).toBe(false);
		await removeImage(target);
	});
});
