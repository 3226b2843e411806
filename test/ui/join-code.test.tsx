import {PassThrough} from 'node:stream';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {joinCodeHelp} from '../../src/driver/join-code.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {runPlain} from '../../src/plain/run-plain.js';
import {createHubClient, type HubClient} from '../../src/registry/hub-client.js';
import {App} from '../../src/ui/app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {closeServers} from '../helpers/http-server.js';
import {serveHubReplay} from '../helpers/hub-replay.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';

// A Docker Hub class (registry-lab --class HOST:PORT, kind hub): the join code on the slip is asked once at the start.
const code = 'h3rw-t9pz';
let lesson: Lesson;
let hub: HubClient;

beforeAll(async () => {
	lesson = await registryLesson();
	hub = createHubClient({baseUrl: (await serveHubReplay(['alicestudent'])).origin});
});

afterAll(() => closeServers());

describe('the join code question', () => {
	it('the app asks it masked, with its help line; a code of the wrong shape is refused with what to do; the code is never drawn', async () => {
		const config = await tempDockerConfig();
		const given: string[] = [];
		const app = render(<App lesson={lesson} engine={testEngine(config.env)} choice={{kind: 'hub'}} hub={hub} joinCode={typed => given.push(typed)} />);
		const asked = await waitForText(app, 'Your join code:');
		expect(asked).toContain(joinCodeHelp);
		// The engine was checked first: a join code is not asked of a computer that cannot run the lesson.
		expect(asked).toMatch(/docker works on this computer/);

		await type(app, 'abcd-e0gh');
		await waitForText(app, '*********');
		await press(app, keys.enter);
		await waitForText(app, 'A join code never has 0, 1, l or o in it (they are too easy to mix up): look at your slip again.');
		expect(given).toEqual([]);

		await type(app, code.toUpperCase());
		await press(app, keys.enter);
		await waitForText(app, 'In this lesson you will use Docker Hub');
		expect(given).toEqual([code]);
		const drawn = app.frames.join('\n');
		for (const secret of [code, code.toUpperCase(), 'abcd-e0gh']) expect(drawn).not.toContain(secret);
		app.unmount();
	});

	it('plain mode on a terminal reads it without echo, says the help line, and never prints it back', async () => {
		const config = await tempDockerConfig();
		// A terminal's keyboard and screen: readline echoes what is typed unless the question is a secret.
		const input = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => undefined});
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		const given: string[] = [];
		const done = runPlain({lesson, engine: testEngine(config.env), choice: {kind: 'hub'}, hub, input, output, joinCode: typed => given.push(typed)});
		const seen = (text: string) => printed.includes(text);

		await waitUntil(() => seen('Your join code (not shown while you type, q to quit): '), 20_000);
		expect(printed).toContain(joinCodeHelp);
		input.write('abcd-efg\r');
		await waitUntil(() => seen('Not accepted: A join code is two groups of four letters and digits'));
		input.write(`${code}\r`);
		await waitUntil(() => seen('Press Enter to continue: '), 20_000);
		// Typed after the secret, a line is echoed again: the echo was muted for the join code only.
		input.write('q');
		await waitUntil(() => /continue: q/.test(printed));
		input.write('\r');
		expect(await done).toEqual({finished: false});
		expect(given).toEqual([code]);
		expect(printed).not.toContain(code);
		expect(printed).not.toContain('abcd-efg');
	});
});
