import {mkdtemp, readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunState} from '../../src/lesson-run/lesson-run.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {progressOfRun} from '../../src/driver/save-progress.js';
import {openProgressStore} from '../../src/progress/store.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {App} from '../../src/ui/app.js';
import {imageExists, makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {argvRecorder} from '../helpers/argv-log.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {dockerLogin, pushAsClassmate, startTestRegistry} from '../helpers/registry.js';
import {registryLesson} from '../helpers/lesson.js';

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
	// The classmate pushes first, from a login of their own.
	classmateImage = await pushAsClassmate(registry.host, classmate, 'shared');
});

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

async function studentApp(resume?: {stepId: string; vars: Record<string, string>}) {
	const config = await tempDockerConfig();
	cleanups.push(config.cleanup);
	const recorder = await argvRecorder();
	const engine = {...testEngine(config.env), bin: recorder.bin};
	let exited: {finished: boolean} | undefined;
	// Progress is saved the way the CLI saves it, into a folder of the test's own.
	const store = openProgressStore({cwd: await mkdtemp(path.join(os.tmpdir(), 'registry-lab-progress-'))});
	const save = (state: RunState) => store.save(lesson.id, progressOfRun(state));
	const app = render(
		<App
			lesson={lesson}
			engine={engine}
			choice={{kind: 'class', host: registry.host}}
			resume={resume}
			onProgress={save}
			onExit={outcome => (exited = outcome)}
		/>,
	);
	cleanups.push(async () => app.unmount());
	return {app, engine, config, store, argvLog: recorder.argvLog, exited: () => exited};
}

function registryClient(credentials = student) {
	return createRegistryClient({registry: registry.host, credentials});
}

describe('the whole lesson against a real engine and registry', () => {
	it('logs in, tags, pushes, finds the image in the registry and pulls the classmate’s image', async () => {
		const {app, argvLog, store, exited} = await studentApp();
		const repository = uniqueName('first');

		await waitForText(app, 'What a registry is');
		await press(app, keys.enter);
		await waitForText(app, /Your username on/);
		await type(app, student.username);
		await press(app, keys.enter);
		await waitForText(app, 'Noted: student');
		await press(app, keys.enter);

		await waitForText(app, 'Log in to the registry');
		await type(app, student.password);
		await press(app, keys.enter);
		const loginScreen = await waitForText(app, `docker login ${registry.host} --username student --password-stdin`);
		expect(loginScreen).not.toContain(student.password);
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
		const target = `${registry.host}/student/${repository}:1.0`;
		// From here on the student types each command; a mistake is explained before anything runs.
		await waitForText(app, 'Type the command yourself');
		const withoutTag = `docker tag registry-lab-starter-student:1.0 ${registry.host}/student/${repository}`;
		await type(app, withoutTag);
		await press(app, keys.enter);
		await waitForText(app, 'Add the tag, :1.0');
		await press(app, ...Array.from({length: withoutTag.length}, () => keys.backspace));
		await type(app, `docker tag registry-lab-starter-student:1.0 ${target}`);
		await press(app, keys.enter);
		await waitForText(app, /are the same image/);
		await press(app, keys.enter);

		// Hints come in levels: a nudge, the shape, then the command itself, filled in.
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.enter);
		await waitForText(app, 'Nudge: this step uses `docker push`');
		await press(app, keys.enter);
		await waitForText(app, `Shape: docker push ${registry.host}/student/REPOSITORY:TAG`);
		await press(app, keys.enter);
		await waitForText(app, `Here it is`);
		await waitForText(app, `$ docker push ${target}`);
		await press(app, keys.enter);
		const pushed = await waitForText(app, /The registry has [^\n]*\n\s*Digest: (sha256:[0-9a-f]{64})/, 60_000);
		const shownDigest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1];
		const manifest = await registryClient().headManifest(`student/${repository}`, '1.0');
		expect(manifest).toMatchObject({ok: true, digest: shownDigest});
		await press(app, keys.enter);

		await waitForText(app, 'See it in the registry');
		await press(app, keys.enter);
		await waitForText(app, new RegExp(`Tags in ${registry.host}/student/${repository}: 1\\.0`));
		await press(app, keys.enter);

		await waitForText(app, 'Image to pull');
		await type(app, classmateImage);
		await press(app, keys.enter);
		// Or tab: "run it for me".
		await waitForText(app, 'Type the command yourself');
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `$ docker pull ${classmateImage}`);
		await press(app, keys.enter);
		// The classmate's image: under their username, made without registry-lab's labels.
		await waitForText(app, new RegExp(`${escape(classmateImage)} is on this computer: an image under classmate/`), 60_000);
		expect(await imageExists(classmateImage)).toBe(true);
		await press(app, keys.enter);

		const done = await waitForText(app, 'Done');
		expect(done).toContain(shownDigest);
		await press(app, keys.enter);
		await waitUntil(() => exited() !== undefined);
		expect(exited()).toEqual({finished: true});
		await removeImage(classmateImage);
		await removeImage(target);

		// The password went to docker on stdin only: never in argv, on screen, or in the engine's files in the clear.
		const argv = await argvLog();
		expect(argv).toContain(`login ${registry.host} --username student --password-stdin`);
		expect(argv).not.toContain(student.password);
		expect(app.frames.join('\n')).not.toContain(student.password);
		const saved = await readFile(store.path, 'utf8');
		expect(saved).not.toContain(student.password);
		expect(store.get(lesson.id)).toMatchObject({finished: true, vars: {username: 'student', target, digest: shownDigest, pullRef: classmateImage}});
	});

	it('a wrong password is explained, the lesson stays on the login step, and r asks for the password again', async () => {
		const {app, argvLog} = await studentApp({stepId: 'login', vars: {username: student.username}});
		await waitForText(app, 'Password for student');
		await type(app, 'not-the-password');
		await press(app, keys.enter);
		await press(app, keys.enter);
		const screen = await waitForText(app, 'What it means');
		expect(screen).toMatch(/What docker said/);
		expect(screen).toContain('Log in to the registry');
		expect(screen).toContain('r try again (type the password again)');
		expect(app.frames.join('\n')).not.toContain('not-the-password');
		expect(await argvLog()).not.toContain('not-the-password');
		// Trying again does not send the same wrong password: it is asked for again.
		await press(app, 'r');
		await waitForText(app, /Password for student[^\n]*:\n\s*›/);
		expect(app.lastFrame()).not.toContain('What it means');
		await type(app, student.password);
		await press(app, keys.enter);
		await waitForText(app, 'enter run it');
		await press(app, keys.enter);
		await waitForText(app, /Logged in to .* as student/);
		expect(app.frames.join('\n')).not.toContain(student.password);
	});

	it('a username that cannot be in an image name is refused at the account step, with why and one that fits', async () => {
		const {app} = await studentApp({stepId: 'account', vars: {}});
		await waitForText(app, /Your username on/);
		await type(app, 'Alice');
		await press(app, keys.enter);
		const screen = await waitForText(app, /'Alice' cannot be used in image names/);
		expect(screen).toMatch(/it has capital letters/);
		expect(screen).toMatch(/is it 'alice'\?/);
		expect(screen).not.toContain('Noted');
		await press(app, ...Array.from({length: 'Alice'.length}, () => keys.backspace));
		await type(app, student.username);
		await press(app, keys.enter);
		await waitForText(app, 'Noted: student');
	});

	it('a login that fails because of the username: e on the login step changes the username too', async () => {
		const {app} = await studentApp({stepId: 'account', vars: {}});
		await waitForText(app, /Your username on/);
		await type(app, 'studnet');
		await press(app, keys.enter);
		await waitForText(app, 'Noted: studnet');
		await press(app, keys.enter);
		await waitForText(app, 'Password for studnet');
		await type(app, student.password);
		await press(app, keys.enter, keys.enter);
		await waitForText(app, 'did not accept your username or password');
		await press(app, 'e');
		// The username was given at step 2: it is asked here, with the answer given, then the password.
		const asked = await waitForText(app, 'Your answer from step 2, “Your account”');
		expect(asked).toMatch(/Your username on [^\n]*:\n\s*› studnet/);
		await press(app, ...Array.from({length: 'studnet'.length}, () => keys.backspace));
		await type(app, student.username);
		await press(app, keys.enter);
		await waitForText(app, 'Password for student');
		await type(app, student.password);
		await press(app, keys.enter);
		await waitForText(app, `docker login ${registry.host} --username student --password-stdin`);
		await press(app, keys.enter);
		await waitForText(app, /Logged in to .* as student/);
		await press(app, keys.enter);
		await waitForText(app, 'Pick an image to share');
	});

	it('logged in under another name in a terminal of one’s own: u takes the name docker reports, and the check passes', async () => {
		const {app, config} = await studentApp({stepId: 'login', vars: {username: classmate.username}});
		await dockerLogin(config.env, registry.host, student.username, student.password);
		await waitForText(app, 'Password for classmate');
		await type(app, 'unused');
		await press(app, keys.enter);
		await waitForText(app, 'enter run it');
		await press(app, 'c');
		const screen = await waitForText(app, `docker is logged in to ${registry.host} as 'student', not 'classmate'`);
		expect(screen).toContain("u use 'student'");
		await press(app, 'u');
		await waitForText(app, /Logged in to .* as student/);
	});

	it('a push without a login is explained, and nothing reaches the registry', async () => {
		const repository = uniqueName('nologin');
		const target = `${registry.host}/student/${repository}:1.0`;
		await makeTestImage(target);
		const {app} = await studentApp({stepId: 'push', vars: {username: student.username, image: target, target}});
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `docker push ${target}`);
		await press(app, keys.enter);
		const screen = await waitForText(app, 'What it means', 60_000);
		expect(screen).toMatch(/log/i);
		expect(screen).toContain('Push it');
		expect(await registryClient().headManifest(`student/${repository}`, '1.0')).toMatchObject({ok: false, reason: 'not-found'});
		await removeImage(target);
	});

	it('pushing into a classmate’s namespace is refused by the lab before docker runs', async () => {
		const repository = uniqueName('stolen');
		const target = `${registry.host}/classmate/${repository}:1.0`;
		await makeTestImage(target);
		const {app} = await studentApp({stepId: 'push', vars: {username: student.username, image: target, target}});
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `docker push ${target}`);
		await press(app, keys.enter);
		const screen = await waitForText(app, 'only push to repositories under your own username');
		expect(screen).toContain('What registry-lab said');
		expect(screen).not.toContain('What docker said');
		expect(await registryClient().headManifest(`classmate/${repository}`, '1.0')).toMatchObject({ok: false, reason: 'not-found'});
		await removeImage(target);
	});

	it('tagging an image that does not exist is explained', async () => {
		const {app} = await studentApp({stepId: 'tag', vars: {username: student.username, image: 'registry-lab-nosuch:1.0'}});
		await waitForText(app, 'Repository name');
		await press(app, keys.enter);
		await waitForText(app, 'Tag (version)');
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, 'docker tag registry-lab-nosuch:1.0');
		await press(app, keys.enter);
		const screen = await waitForText(app, 'What it means');
		expect(screen).toMatch(/No such image|not on this computer|docker images/i);
		expect(screen).toContain('Name it for the registry');
	});

	it('pulling an image the registry does not have is explained', async () => {
		const {app, config} = await studentApp({stepId: 'pull', vars: {username: student.username}});
		await dockerLogin(config.env, registry.host, student.username, student.password);
		await waitForText(app, 'Image to pull');
		await type(app, `${registry.host}/classmate/does-not-exist:9.9`);
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab, keys.enter);
		const screen = await waitForText(app, 'What it means', 60_000);
		expect(screen).toContain('Pull a classmate');
		expect(screen).toMatch(/not found|does not have|spelling/i);
	});

	it('an invalid repository name is caught before docker runs, with the reason, and asked again', async () => {
		const {app} = await studentApp({stepId: 'tag', vars: {username: student.username, image: 'registry-lab-starter-student:1.0'}});
		await waitForText(app, 'Repository name');
		await press(app, ...Array.from({length: 'first-image'.length}, () => keys.backspace));
		await type(app, 'My App');
		await press(app, keys.enter);
		const screen = await waitForText(app, /contains a space/i);
		// Still asking, with what was typed kept for fixing, and nothing run.
		expect(screen).toMatch(/Repository name:\s+› My App/);
		expect(screen).not.toContain('$ docker tag');
		await press(app, ...Array.from({length: 'My App'.length}, () => keys.backspace));
		await type(app, 'my-app');
		await press(app, keys.enter);
		await waitForText(app, 'Tag (version)');
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
