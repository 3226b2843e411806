import {PassThrough} from 'node:stream';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {verifyLine, verifyProgress, verifyVerdict} from '../../src/checks/verify-run.js';
import {labVars} from '../../src/driver/lab-vars.js';
import {createLabServices} from '../../src/driver/services.js';
import {checkStatus, type CheckResult} from '../../src/lesson/results.js';
import type {Check, Lesson} from '../../src/lesson/schema.js';
import {runPlain} from '../../src/plain/run-plain.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {runCommand} from '../../src/run/run-command.js';
import {App} from '../../src/ui/app.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {closeServers, closedOrigin, serveHttp} from '../helpers/http-server.js';
import {keys, press, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';
import {dockerLogin, startTestRegistry} from '../helpers/registry.js';

/** A real password: it must appear in nothing a check tells. */
const student = {username: 'student', password: 'Quokka-7731-never-shown'};

let registry: PracticeRegistry;
let lesson: Lesson;
let env: Record<string, string>;
let target: string;
/** A classmate's image on this computer: what the pull step's check wants. */
let classmateImage: string;
/** A registry address where nothing listens (a stopped registry), and one that takes the connection and never answers. */
let stopped: string;
let stalled: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	lesson = await registryLesson();
	registry = await startTestRegistry([student]);
	const config = await tempDockerConfig();
	cleanups.push(config.cleanup);
	env = config.env;
	target = `${registry.host}/student/${uniqueName('outcomes')}:1.0`;
	await makeTestImage(target);
	classmateImage = `${registry.host}/classmate/${uniqueName('outcomes-classmate')}:1.0`;
	await makeTestImage(classmateImage);
	await dockerLogin(env, registry.host, student.username, student.password);
	const pushed = await runCommand({file: 'docker', args: ['push', target], env, timeoutMs: 120_000});
	if (pushed.exitCode !== 0) throw new Error(`docker push ${target}: ${pushed.stderr}`);
	stopped = new URL(await closedOrigin()).host;
	stalled = (await serveHttp(() => {})).host;
});

afterAll(async () => {
	await closeServers();
	if (target) await removeImage(target).catch(() => undefined);
	if (classmateImage) await removeImage(classmateImage).catch(() => undefined);
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

/** The lab's own services for a class registry at `host`, with the student's login store; a check time limit when given. */
const services = (host: string, checkTimeLimitMs?: number) =>
	createLabServices({engine: testEngine(env), registry: host, registryKind: 'class', ...(checkTimeLimitMs ? {checkTimeLimitMs} : {})});

/** The same repository and tag on another registry address. */
const on = (host: string, reference = target) => reference.replace(registry.host, host);

describe('a registry check: pass, fail, or could not check (real engine and registry)', () => {
	it('the registry has the image: manifest and tags pass, and tell the request they made', async () => {
		const lab = services(registry.host);
		const manifest = await lab.runCheck({type: 'manifest', reference: target});
		expect(checkStatus(manifest), manifest.summary).toBe('pass');
		const path = target.slice(registry.host.length + 1).replace(/:1\.0$/, '');
		expect(manifest.did).toMatch(new RegExp(`^HEAD http://${registry.host}/v2/${path}/manifests/1\\.0 → 200, Docker-Content-Digest sha256:[0-9a-f]{64}$`));
		const tags = await lab.runCheck({type: 'tags', reference: target});
		expect(checkStatus(tags), tags.summary).toBe('pass');
		expect(tags.did).toContain(`GET http://${registry.host}/v2/${path}/tags/list → 200`);
	});

	it('a tag the registry does not have fails: the student’s to mend', async () => {
		const lab = services(registry.host);
		const missing = target.replace(/:1\.0$/, ':9.9');
		for (const type of ['manifest', 'tags'] as const) {
			const result = await lab.runCheck({type, reference: missing});
			expect(checkStatus(result), `${type}: ${result.summary}`).toBe('fail');
		}
	});

	it('a stopped registry could not be checked: connection refused is neither a pass nor a fail', async () => {
		const lab = services(stopped);
		for (const type of ['manifest', 'tags'] as const) {
			const result = await lab.runCheck({type, reference: on(stopped)});
			expect(checkStatus(result), `${type}: ${result.summary}`).toBe('unknown');
			expect(result.summary).toBe(`The registry ${stopped} could not be reached.`);
			expect(result.detail).toMatch(/connection refused[\s\S]*check again/);
			expect(result.did).toMatch(/→ ECONNREFUSED$/);
		}
	});

	it('a registry that never answers could not be checked once the time limit is over', async () => {
		const lab = services(stalled, 1000);
		for (const type of ['manifest', 'tags'] as const) {
			const result = await lab.runCheck({type, reference: on(stalled)});
			expect(checkStatus(result), `${type}: ${result.summary}`).toBe('unknown');
			expect(result.summary).toBe('No answer within 1 s.');
		}
	});

	it('what the login, local image and manifest checks did names the file, the command and the request, never the password', async () => {
		const lab = services(registry.host);
		const told: CheckResult[] = [];
		for (const check of [
			{type: 'logged-in', registry: registry.host, username: student.username},
			{type: 'local-image', reference: target},
			{type: 'manifest', reference: target},
		] satisfies Check[]) {
			told.push(await lab.runCheck(check));
		}
		expect(told.map(result => checkStatus(result))).toEqual(['pass', 'pass', 'pass']);
		expect(told[0]?.did).toBe(`read ${env.DOCKER_CONFIG}/config.json\n→ logged in as student`);
		expect(told[1]?.did).toMatch(new RegExp(`^docker image inspect --format \\{\\{\\.Id\\}\\} ${target.replaceAll('.', '\\.')} → sha256:[0-9a-f]{64}$`));
		const all = JSON.stringify(told);
		expect(all).not.toContain(student.password);
		expect(all).not.toContain(Buffer.from(`${student.username}:${student.password}`).toString('base64'));
		expect(all).not.toMatch(/authorization|bearer|basic /i);
	});
});

describe('the three outcomes in verify, the app and plain mode', () => {
	const vars = (host: string) => ({
		...labVars({kind: 'class', host}, host, 'docker'),
		username: student.username,
		image: target,
		target: on(host),
		pullRef: classmateImage,
	});

	it('verify: the registry’s steps are status unknown with a stopped or a stalled registry, counted apart from the fails', async () => {
		for (const [host, limit] of [
			[stopped, undefined],
			[stalled, 1000],
		] as const) {
			const lab = services(host, limit);
			const report = await verifyProgress({lesson, registryKind: 'class', registry: host, vars: vars(host), runCheck: check => lab.runCheck(check)});
			const status = Object.fromEntries(report.steps.map(step => [step.id, step.status]));
			expect(status, host).toMatchObject({push: 'unknown', 'see-it': 'unknown', pull: 'pass'});
			expect(report.ok).toBe(false);
			for (const id of ['push', 'see-it']) {
				const step = report.steps.find(candidate => candidate.id === id)!;
				expect(step.ok).toBe(false);
				expect(verifyLine(step)).toMatch(/^\? could not check {2}/);
				expect(verifyLine(step, true)).toMatch(/\n {4}checked: (?:HEAD|GET) /);
			}
			const fails = report.steps.filter(step => step.status === 'fail').length;
			expect(verifyVerdict(report.steps)).toBe(`${fails} of ${report.steps.length} steps fail; could not check 2 (not a fail: run verify again later).`);
		}
	});

	it('the app: could not check has its own mark, says why, offers to check again, and shows what it did on w', async () => {
		const app = render(
			<App
				lesson={lesson}
				engine={testEngine(env)}
				choice={{kind: 'class', host: stopped}}
				resume={{stepId: 'see-it', vars: vars(stopped)}}
				openUrl={async () => false}
			/>,
		);
		await waitForText(app, 'See it in the registry');
		await press(app, keys.enter);
		const screen = await waitForText(app, `? Could not check: The registry ${stopped} could not be reached.`);
		expect(screen).not.toMatch(/✔ |✘ /);
		expect(screen).toMatch(/c check again now/);
		expect(screen).not.toContain('checked: ');
		await press(app, 'w');
		await waitForText(app, new RegExp(`checked: GET http://${stopped}/v2/student/\\S+/tags/list → ECONNREFUSED`));
		app.unmount();
	});

	it('plain mode: COULD NOT CHECK, what the check did, and check again offered', async () => {
		const input = new PassThrough();
		const output = new PassThrough();
		let printed = '';
		output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
		input.end(['', 'q', ''].join('\n'));
		await runPlain({
			lesson,
			engine: testEngine(env),
			choice: {kind: 'class', host: stopped},
			start: {stepId: 'see-it', vars: vars(stopped)},
			input,
			output,
		});
		expect(printed).toMatch(new RegExp(`^COULD NOT CHECK The registry ${stopped.replaceAll('.', '\\.')} could not be reached\\.$`, 'm'));
		expect(printed).toMatch(new RegExp(`^ {2}checked: GET http://${stopped.replaceAll('.', '\\.')}/v2/student/\\S+/tags/list → ECONNREFUSED$`, 'm'));
		expect(printed).toContain('[c]heck only');
		expect(printed).not.toMatch(/^\s*(?:PASS|FAIL) /m);
	});
});
