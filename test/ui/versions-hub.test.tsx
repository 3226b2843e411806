import {PassThrough} from 'node:stream';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {builtInLessonsDir, loadLessonFile} from '../../src/lesson/load.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {stepsFor} from '../../src/lesson/steps.js';
import {runPlain} from '../../src/plain/run-plain.js';
import {createHubClient, hubRepositoryUrl, type HubClient} from '../../src/registry/hub-client.js';
import {App} from '../../src/ui/app.js';
import {tempDockerConfig, testEngine} from '../helpers/engine.js';
import {closeServers} from '../helpers/http-server.js';
import {serveHubReplay} from '../helpers/hub-replay.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';

// The versions lesson on Docker Hub, which cannot be reached from here: its web API is replayed locally
// (test/helpers/hub-replay.ts), as for the first lesson's Docker Hub path (hub-lesson.test.tsx).

let hub: HubClient;
let lesson: Lesson;

beforeAll(async () => {
	const replay = await serveHubReplay(['alicestudent']);
	hub = createHubClient({baseUrl: replay.origin});
	const loaded = await loadLessonFile(`${builtInLessonsDir()}/versions.yaml`);
	if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
	lesson = loaded.lesson;
});

afterAll(() => closeServers());

async function hubApp(resume?: {stepId: string; vars: Record<string, string>}, opened: string[] = []) {
	const config = await tempDockerConfig();
	const openUrl = async (url: string) => {
		opened.push(url);
		return false;
	};
	return render(<App lesson={lesson} engine={testEngine(config.env)} choice={{kind: 'hub'}} hub={hub} openUrl={openUrl} resume={resume} />);
}

const steps = () => stepsFor(lesson, 'hub');

describe('the versions lesson on Docker Hub (Hub API replayed locally)', () => {
	it('has the Docker Hub steps: the Hub account, and Docker Hub’s public and private repositories', () => {
		expect(steps()).toHaveLength(16);
		expect(steps().find(step => step.id === 'account')?.check).toEqual({type: 'hub-user-exists', username: '{username}'});
		expect(steps().find(step => step.id === 'who-can-pull')?.body).toContain('Default repository privacy');
		// Nothing of another kind of registry: no practice password, no class registry.
		expect(JSON.stringify(steps())).not.toMatch(/practicePassword|class registry/);
	});

	it('the account step checks the username on Docker Hub; the login sends no registry (Docker Hub is docker’s default)', async () => {
		const app = await hubApp();
		const intro = await waitForText(app, 'Versions are tags');
		expect(intro).toContain('Step 1 of 16');
		expect(intro).toContain('three tags on Docker Hub');
		await press(app, keys.enter);
		const account = await waitForText(app, 'Your Docker Hub username');
		expect(account).toMatch(/sign-up page: https:\/\/app\.docker\.com\/signup/);
		await type(app, 'nosuchuser');
		await press(app, keys.enter);
		await waitForText(app, "Docker Hub has no user called 'nosuchuser'");
		await press(app, 'e');
		await press(app, ...Array.from({length: 'nosuchuser'.length}, () => keys.backspace));
		await type(app, 'alicestudent');
		await press(app, keys.enter);
		await waitForText(app, 'Docker Hub knows the user alicestudent');
		await press(app, keys.enter);

		const login = await waitForText(app, 'Log in to the registry');
		expect(login).toMatch(/personal access token/);
		expect(login).toContain('Type your password anyway');
		await type(app, 'dckr_pat_not-a-real-token');
		await press(app, keys.enter);
		const ready = await waitForText(app, '$ docker login --username alicestudent --password-stdin');
		expect(ready).not.toContain('dckr_pat');
		app.unmount();
	});

	it('names the tags USERNAME/REPOSITORY:TAG and pulls USERNAME/REPOSITORY, with no registry host in front', async () => {
		const app = await hubApp({stepId: 'tag-1', vars: {username: 'alicestudent', image: 'registry-lab-starter:1.0'}});
		const step = await waitForText(app, 'Repository name');
		expect(step).toContain('docker tag IMAGE alicestudent/REPOSITORY:1.0');
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, '$ docker tag registry-lab-starter:1.0 alicestudent/my-app:1.0');
		app.unmount();

		const latest = await hubApp({
			stepId: 'pull-latest',
			vars: {
				username: 'alicestudent',
				image: 'registry-lab-starter:1.0',
				repository: 'my-app',
				repo: 'alicestudent/my-app',
				targetLatest: 'alicestudent/my-app:latest',
			},
		});
		const pull = await waitForText(latest, 'Using default tag: latest');
		expect(pull).toContain('docker pull alicestudent/my-app');
		latest.unmount();
	});

	it('the step on public and private repositories links to the repository on Docker Hub', async () => {
		const url = hubRepositoryUrl('alicestudent', 'my-app');
		const opened: string[] = [];
		const app = await hubApp(
			{stepId: 'who-can-pull', vars: {username: 'alicestudent', repository: 'my-app', repo: 'alicestudent/my-app', repositoryUrl: url}},
			opened,
		);
		const screen = await waitForText(app, 'Public and private repositories');
		expect(screen).toContain('Default repository privacy');
		expect(screen).toContain('alicestudent/');
		expect(screen).toContain(`Your repository on Docker Hub: ${url}`);
		await press(app, 'o');
		await waitForText(app, 'copy the address into a browser');
		expect(opened).toEqual([url]);
		app.unmount();
	});

	it('plain mode walks the Docker Hub steps to the login the same way', async () => {
		const config = await tempDockerConfig();
		const input = new PassThrough();
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		input.end(['', 'alicestudent', 'q', ''].join('\n'));
		const outcome = await runPlain({lesson, engine: testEngine(config.env), choice: {kind: 'hub'}, hub, input, output});
		expect(outcome).toEqual({finished: false});
		expect(printed).toContain('Step 1 of 16: Versions are tags');
		expect(printed).toMatch(/^PASS Docker Hub knows the user alicestudent\.$/m);
		expect(printed).toContain('Step 3 of 16: Log in to the registry');
	});
});
