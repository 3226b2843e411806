import {readFileSync} from 'node:fs';
import {PassThrough} from 'node:stream';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Lesson} from '../../src/lesson/schema.js';
import {createHubClient, type HubClient} from '../../src/registry/hub-client.js';
import {runPlain} from '../../src/plain/run-plain.js';
import {App} from '../../src/ui/app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {closedOrigin} from '../helpers/http-server.js';

/** Docker Hub's web API, replayed on 127.0.0.1 from bodies shaped like its documentation's. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/hub/${name}.json`, import.meta.url), 'utf8');

let server: Server;
let hub: HubClient;
let lesson: Lesson;
let opened: string[] = [];

beforeAll(async () => {
	server = createServer((request, response) => {
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const url = new URL(request.url ?? '/', base);
		const reply = (status: number, body: string) => {
			response.writeHead(status, {'content-type': 'application/json'});
			response.end(body);
		};
		if (url.pathname === '/v2/users/alicestudent/') return reply(200, fixture('user'));
		if (url.pathname.startsWith('/v2/users/')) return reply(404, fixture('user-not-found'));
		if (url.pathname === '/v2/namespaces/alicestudent/repositories') {
			if (url.searchParams.get('page') === '2') return reply(200, fixture('repositories-page-2'));
			return reply(200, fixture('repositories-page-1').replace('https://hub.docker.com', base));
		}
		return reply(404, fixture('not-found'));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	hub = createHubClient({baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`});
	lesson = await registryLesson();
});

afterAll(() => new Promise(resolve => server.close(resolve)));

async function hubApp(resume?: {stepId: string; vars: Record<string, string>}) {
	const config = await tempDockerConfig();
	opened = [];
	const openUrl = async (url: string) => {
		opened.push(url);
		return false;
	};
	return render(<App lesson={lesson} engine={testEngine(config.env)} choice={{kind: 'hub'}} hub={hub} openUrl={openUrl} resume={resume} />);
}

describe('the lesson on Docker Hub (Hub API replayed locally)', () => {
	it('the account step shows the sign-up page, refuses an e-mail address, and checks the username exists', async () => {
		const app = await hubApp();
		await waitForText(app, 'In this lesson you will use Docker Hub');
		await press(app, keys.enter);
		const account = await waitForText(app, 'Get an account');
		expect(account).toMatch(/sign-up page: https:\/\/app\.docker\.com\/signup/);

		await type(app, 'alice@example.com');
		await press(app, keys.enter);
		await waitForText(app, /e-mail address/);

		await press(app, ...Array.from({length: 'alice@example.com'.length}, () => keys.backspace));
		await type(app, 'nosuchuser');
		await press(app, keys.enter);
		await waitForText(app, "Docker Hub has no user called 'nosuchuser'");

		// Opening the link: no browser here, so the address stays on screen with a note.
		await press(app, 'o');
		await waitForText(app, 'copy the address into a browser');
		expect(opened).toEqual(['https://app.docker.com/signup/']);

		await press(app, 'e');
		await press(app, ...Array.from({length: 'nosuchuser'.length}, () => keys.backspace));
		await type(app, 'alicestudent');
		await press(app, keys.enter);
		await waitForText(app, 'Docker Hub knows the user alicestudent');
		await press(app, keys.enter);

		const login = await waitForText(app, 'Log in to the registry');
		expect(login).toMatch(/personal access token/);
		await type(app, 'dckr_pat_not-a-real-token');
		await press(app, keys.enter);
		// Docker Hub is docker's default: no registry argument.
		const ready = await waitForText(app, '$ docker login --username alicestudent --password-stdin');
		expect(ready).not.toContain('dckr_pat');
		// Typing it instead: the step's answers are recalled, the secret one masked.
		await press(app, keys.tab);
		const typing = await waitForText(app, 'Type the command yourself');
		expect(typing).toMatch(/Your answers: Password for alicestudent[^\n]*: \*{8}/);
		expect(app.frames.join('\n')).not.toContain('dckr_pat');
		app.unmount();
	});

	it('without Docker Hub, the account check says it could not check (not a pass), and the lesson may go on without it', async () => {
		const config = await tempDockerConfig();
		const offline = createHubClient({baseUrl: await closedOrigin()});
		const app = render(<App lesson={lesson} engine={testEngine(config.env)} choice={{kind: 'hub'}} hub={offline} openUrl={async () => false} />);
		await waitForText(app, 'Docker Hub cannot be used from here right now');
		await waitForText(app, 'In this lesson you will use Docker Hub');
		await press(app, keys.enter);
		await waitForText(app, 'Get an account');
		await type(app, 'alicestudent');
		await press(app, keys.enter);
		const screen = await waitForText(app, "? Could not check: Docker Hub could not be asked whether the user 'alicestudent' exists.");
		expect(screen).not.toContain('✔ ');
		expect(screen).not.toContain('✘ ');
		expect(screen).toMatch(/s go on without this check/);
		// It offers to check again, and to show what it did: the request it made, and that nothing answered.
		expect(screen).toMatch(/c check again now/);
		expect(screen).not.toContain('checked: ');
		await press(app, 'w');
		const did = await waitForText(app, /checked: GET http:\/\/127\.0\.0\.1:\d+\/v2\/users\/alicestudent\/ → no answer/);
		expect(did).not.toContain('✔ ');
		expect(did).toMatch(/w hide what the check did/);
		await press(app, 's');
		await waitForText(app, 'Log in to the registry');
		// Left behind unchecked: its mark in the row of steps is not a pass.
		expect(app.lastFrame()).toContain('Step 3 of 9 ✔?●');
		app.unmount();
	});

	it('plain mode says COULD NOT CHECK, and offers to skip the check', async () => {
		const config = await tempDockerConfig();
		const offline = createHubClient({baseUrl: await closedOrigin()});
		const input = new PassThrough();
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		input.end(['', 'alicestudent', 's', 'q', ''].join('\n'));
		await runPlain({lesson, engine: testEngine(config.env), choice: {kind: 'hub'}, hub: offline, input, output});
		expect(printed).toContain('start again with --practice');
		expect(printed).toMatch(/^\s*COULD NOT CHECK Docker Hub could not be asked whether the user 'alicestudent' exists\.$/m);
		expect(printed).not.toMatch(/PASS Docker Hub|FAIL Docker Hub/);
		expect(printed).toMatch(/^ {2}checked: GET http:\/\/127\.0\.0\.1:\d+\/v2\/users\/alicestudent\/ → no answer \(.*connection refused/m);
		expect(printed).toContain('Try again? [r]etry / [c]heck only / [s]kip this check / [w]hat the check did / [e]dit answers / [o]pen the link / [q]uit');
		expect(printed).toContain('Step 3 of 9: Log in to the registry');
	});

	it('pulling by a classmate’s username lists their public repositories to pick from', async () => {
		const app = await hubApp({stepId: 'pull', vars: {username: 'bobstudent'}});
		await waitForText(app, 'Image to pull');
		await type(app, 'alicestudent');
		await press(app, keys.enter);
		const list = await waitForText(app, "alicestudent's public repositories:");
		expect(list).toContain('alicestudent/demo');
		expect(list).toContain('alicestudent/whalesay');
		expect(list).toContain("The official image 'alicestudent'");
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, '$ docker pull alicestudent/demo');
		app.unmount();
	});

	it('plain mode lists a classmate’s public repositories too, and the one picked is the image the step pulls', async () => {
		const config = await tempDockerConfig();
		const input = new PassThrough();
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		// The username, then the first repository, then three hints (the last one is the command filled in), then q.
		input.end(['alicestudent', '1', '', '', '', 'q', ''].join('\n'));
		const start = {stepId: 'pull', vars: {username: 'bobstudent'}};
		const outcome = await runPlain({lesson, engine: testEngine(config.env), choice: {kind: 'hub'}, hub, start, input, output});
		expect(outcome).toEqual({finished: false});
		expect(printed).toContain("alicestudent's public repositories:");
		expect(printed).toMatch(/^ {2}1 {2}alicestudent\/demo/m);
		expect(printed).toContain("The official image 'alicestudent'");
		expect(printed).toMatch(/^Hint: Here it is — [^\n]*docker pull alicestudent\/demo$/m);
	});
});
