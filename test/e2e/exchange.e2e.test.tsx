import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCheck, type CheckContext} from '../../src/checks/checks.js';
import {seedClassmateImage} from '../../src/class/seed-classmate.js';
import {diagnose} from '../../src/container/diagnose.js';
import {importArgs} from '../../src/container/commands.js';
import {authorLabel, makeStarterImage, starterTar} from '../../src/container/images.js';
import type {Lesson} from '../../src/lesson/schema.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createHubClient} from '../../src/registry/hub-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {App} from '../../src/ui/app.js';
import {argvRecorder} from '../helpers/argv-log.js';
import {imageExists, makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {keys, press, type, waitForText, waitUntil} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {dockerLogin, startTestRegistry} from '../helpers/registry.js';

const student = {username: 'student', password: 'student-pass-1234'};
const bob = {username: 'bob', password: 'bob-pass-5678'};

let registry: PracticeRegistry;
let lesson: Lesson;
const made: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	registry = await startTestRegistry([student, bob]);
});

afterAll(async () => {
	for (const reference of made) await removeImage(reference).catch(() => undefined);
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

const context = (): CheckContext => ({engine: testEngine(), registry: registry.host, hub: createHubClient({baseUrl: 'http://127.0.0.1:9', timeoutMs: 100})});
const classmateCheck = (reference: string, username: string) => runCheck({type: 'classmate-image', reference, username}, context());

describe('classmate-image: the image pulled is a classmate’s, not the student’s own', () => {
	it('the student’s own image is refused, with the reason: under their username, or labelled by them under another name', async () => {
		const me = uniqueName('alice');
		const own = `${registry.host}/${me}/${uniqueName('own')}:1.0`;
		made.push(own);
		expect((await makeStarterImage(testEngine(), me, {reference: own})).ok).toBe(true);
		const result = await classmateCheck(own, me);
		expect(result.ok).toBe(false);
		expect(result.couldNotCheck).toBeUndefined();
		expect(result.summary).toBe(`${own} is your own image: pull a classmate's to see the other direction.`);
		expect(result.did).toMatch(/^docker image inspect --format '\{\{\.Id\}\} \{\{json \.Config\.Labels\}\}' \S+ → sha256:[0-9a-f]{12}/);
		expect(result.did).toContain(`made with registry-lab by ${me}`);

		// The same image under a classmate's name is still the student's: its label says who made it.
		const renamed = `${registry.host}/${uniqueName('bob')}/copy:1.0`;
		made.push(renamed);
		expect((await runCommand({file: 'docker', args: ['tag', own, renamed], timeoutMs: 30_000})).exitCode).toBe(0);
		const copy = await classmateCheck(renamed, me);
		expect(copy.ok).toBe(false);
		expect(copy.detail).toContain(`naming its author: ${me}, you`);
	});

	it('a classmate’s image made with registry-lab is accepted and named: the fact {classmate} is its author', async () => {
		const author = uniqueName('bob');
		const theirs = `${registry.host}/${author}/hello:1.0`;
		made.push(theirs);
		expect((await makeStarterImage(testEngine(), author, {reference: theirs})).ok).toBe(true);
		const result = await classmateCheck(theirs, 'alice');
		expect(result).toMatchObject({ok: true, facts: {classmate: author}});
		expect(result.summary).toMatch(
			new RegExp(`^${theirs.replace(/[.]/g, '\\.')} is on this computer: ${author}'s image, made with registry-lab \\(image [0-9a-f]{12}\\)\\.$`),
		);
	});

	it('an image without the lab’s labels under another namespace is accepted; an official Docker Hub image counts as someone else’s', async () => {
		const owner = uniqueName('carol');
		const plain = `${registry.host}/${owner}/plain:1.0`;
		const official = `${uniqueName('official')}:1.0`;
		made.push(plain, official);
		await makeTestImage(plain);
		await makeTestImage(official);
		const result = await classmateCheck(plain, 'alice');
		expect(result).toMatchObject({ok: true, facts: {classmate: owner}});
		expect(result.summary).toContain(`an image under ${owner}/`);
		expect(result.did).toContain('no registry-lab labels');
		const hub = await classmateCheck(official, 'alice');
		expect(hub).toMatchObject({ok: true, facts: {classmate: 'Docker'}});
		expect(hub.summary).toContain(`an official Docker Hub image (library/${official.replace(/:1\.0$/, '')})`);
	});

	it('an author label that is not a plain username is anyone’s text: read as no label, and never shown', async () => {
		const owner = uniqueName('dave');
		const odd = `${registry.host}/${owner}/odd:1.0`;
		made.push(odd);
		const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-odd-'));
		cleanups.push(() => rm(dir, {recursive: true, force: true}));
		await writeFile(path.join(dir, 'odd.tar'), starterTar());
		const labels = {[authorLabel]: '"Mallory Was Here"'};
		const imported = await runCommand({file: 'docker', args: importArgs(path.join(dir, 'odd.tar'), odd, labels), timeoutMs: 60_000});
		expect(imported.exitCode, imported.stderr).toBe(0);
		const result = await classmateCheck(odd, 'alice');
		expect(result).toMatchObject({ok: true, facts: {classmate: owner}});
		expect(JSON.stringify(result)).not.toContain('Mallory');
	});

	it('an image that is not on this computer fails with the engine’s words', async () => {
		const result = await classmateCheck(`${registry.host}/bob/${uniqueName('nowhere')}:1.0`, 'alice');
		expect(result.ok).toBe(false);
		expect(result.summary).toMatch(/is not on this computer\.$/);
		expect(result.did).toMatch(/→ .*No such image/i);
	});
});

describe('a name without the registry in front, at the pull step of a class registry', () => {
	it('is refused before docker runs, the full name is offered, and taking it pulls the classmate’s image', async () => {
		// bob pushes an image of his, made with registry-lab, from a login of his own.
		const seeded = await seedClassmateImage(testEngine(), registry.host, bob);
		if (!seeded.ok) throw new Error(seeded.message);
		made.push(seeded.reference);
		const withoutHost = seeded.reference.slice(`${registry.host}/`.length);

		const config = await tempDockerConfig();
		cleanups.push(config.cleanup);
		await dockerLogin(config.env, registry.host, student.username, student.password);
		const recorder = await argvRecorder();
		let exited: {finished: boolean} | undefined;
		const app = render(
			<App
				lesson={lesson}
				engine={{...testEngine(config.env), bin: recorder.bin}}
				choice={{kind: 'class', host: registry.host}}
				resume={{stepId: 'pull', vars: {username: student.username}}}
				onExit={outcome => (exited = outcome)}
			/>,
		);
		cleanups.push(async () => app.unmount());
		await waitForText(app, 'Image to pull');
		await type(app, withoutHost);
		await press(app, keys.enter);
		await waitForText(app, 'Type the command yourself');
		await press(app, keys.tab);
		await waitForText(app, `$ docker pull ${withoutHost}`);
		await press(app, keys.enter);
		const refused = await waitForText(app, `use '${seeded.reference}'`);
		expect(refused).toContain('without a host, docker looks on Docker Hub');
		expect(refused).toContain('The image name has no registry in front: docker would look on Docker Hub.');
		expect(await recorder.argvLog()).not.toContain('pull');

		await press(app, 'u');
		await waitForText(app, `$ docker pull ${seeded.reference}`);
		await press(app, keys.enter);
		await waitForText(app, "bob's image, made with registry-lab", 60_000);
		expect(await imageExists(seeded.reference)).toBe(true);
		expect(await recorder.argvLog()).toContain(`pull ${seeded.reference}`);
		await press(app, keys.enter);
		const done = await waitForText(app, "pulled an image of bob's");
		expect(done).toContain(`pulled  ${seeded.reference}  (bob)`);
		await press(app, keys.enter);
		await waitUntil(() => exited !== undefined);
		expect(exited).toEqual({finished: true});
	});
});

describe('a diagnosis names the registry docker contacted', () => {
	it('a real docker pull of a name without a host, during a class lesson, failed on Docker Hub: so says the diagnosis', async () => {
		// This machine has no internet: docker's own failure to reach Docker Hub, whatever it is here.
		const name = `bob/${uniqueName('ceo-classmate')}:1.0`;
		const pulled = await runCommand({file: 'docker', args: ['pull', name], timeoutMs: 60_000});
		expect(pulled.exitCode).not.toBe(0);
		const said = `${pulled.stdout}\n${pulled.stderr}`;
		const diagnosis = diagnose(said, {command: `docker pull ${name}`, engine: 'docker', registry: registry.host, platform: process.platform});
		const words = `${diagnosis.title}\n${diagnosis.hint}`;
		expect(words).toMatch(/Docker Hub|docker\.io/);
		expect(words).not.toContain(registry.host);
	});
});
