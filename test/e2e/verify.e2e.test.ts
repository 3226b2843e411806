import {mkdtemp, rm} from 'node:fs/promises';
import {createServer} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {decodeCompletionCode} from '../../src/checks/completion-code.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProgressStore, progressFrom, type LessonProgress} from '../../src/progress/store.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {dockerLogin, pushAsClassmate, startTestRegistry} from '../helpers/registry.js';

const student = {username: 'student', password: 'student-pass-1234'};
const classmate = {username: 'classmate', password: 'classmate-pass-5678'};
/** The class-registry steps of lessons/registries.yaml that have a check, in order. */
const checkedSteps = ['account', 'login', 'choose-image', 'tag', 'push', 'see-it', 'pull'];

let registry: PracticeRegistry;
let studentEnv: Record<string, string>;
let home: string;
let image: string;
let target: string;
let classmateImage: string;
/** What the lesson saved of the student's run on the class registry. */
let classVars: Record<string, string>;
const cleanups: (() => Promise<unknown>)[] = [];

type Report = {
	lesson: string;
	registry: string;
	ok: boolean;
	steps: {
		id: string;
		title: string;
		status: 'pass' | 'fail' | 'unknown';
		ok: boolean;
		summary: string;
		detail?: string;
		cause?: string;
		hint?: string;
		did?: string;
	}[];
};

/** The real CLI, run from source, with the student's login store and a progress folder of the test's own. */
const verify = (args: string[], options: {home?: string} = {}) =>
	runCommand({
		file: process.execPath,
		args: ['--import', 'tsx', 'src/main.ts', 'verify', ...args],
		env: {...studentEnv, REGISTRY_LAB_HOME: options.home ?? home},
		timeoutMs: 60_000,
	});

async function verifyJson(options: {home?: string} = {}): Promise<{exitCode: number | null; report: Report}> {
	const result = await verify(['--json'], options);
	expect(result.stderr).toBe('');
	return {exitCode: result.exitCode, report: JSON.parse(result.stdout) as Report};
}

const failing = (report: Report) => report.steps.filter(step => !step.ok).map(step => step.id);

async function tempHome(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-verify-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	return dir;
}

/** Saves a run as the lesson would: `registry` and `registryKind` say where, the rest are the lesson's saved variables. */
function saveProgress(dir: string, {registry = '', registryKind, ...vars}: Record<string, string>, stepId = 'done'): void {
	const kind = registryKind as LessonProgress['registryKind'];
	openProgressStore({cwd: dir}).save(
		'registries',
		progressFrom({registry, registryKind: kind, vars, completed: [], stats: {}, stepId, finished: stepId === 'done'}),
	);
}

async function docker(args: string[], env: Record<string, string>): Promise<void> {
	const result = await runCommand({file: 'docker', args, env, timeoutMs: 120_000});
	expect(result.exitCode, `docker ${args.join(' ')}: ${result.stderr}`).toBe(0);
}

beforeAll(async () => {
	await requireEngine();
	registry = await startTestRegistry([student, classmate]);

	// A classmate pushes an image for the student to pull.
	classmateImage = await pushAsClassmate(registry.host, classmate, 'shared');

	// The student does the lesson in their own terminal: login, tag, push, pull.
	const studentConfig = await tempDockerConfig();
	cleanups.push(studentConfig.cleanup);
	studentEnv = studentConfig.env;
	image = `${uniqueName('verify-source')}:latest`;
	target = `${registry.host}/student/${uniqueName('first-image')}:1.0`;
	await makeTestImage(image);
	await dockerLogin(studentEnv, registry.host, student.username, student.password);
	await docker(['tag', image, target], studentEnv);
	await docker(['push', target], studentEnv);
	await docker(['pull', classmateImage], studentEnv);
	const [, targetPath = '', tag = ''] = /^[^/]+\/(.+):([^:]+)$/.exec(target) ?? [];
	const manifest = await createRegistryClient({registry: registry.host, credentials: student}).headManifest(targetPath, tag);
	if (!manifest.ok) throw new Error(`the push did not arrive: ${manifest.message}`);

	// ...and the progress file holds what the lesson would have saved.
	home = await tempHome();
	classVars = {
		registry: registry.host,
		registryKind: 'class',
		username: student.username,
		image,
		target,
		digest: manifest.digest,
		pullRef: classmateImage,
	};
	saveProgress(home, classVars);
});

afterAll(async () => {
	const engine = testEngine();
	for (const reference of [image, target, classmateImage]) if (reference) await removeImage(reference, engine).catch(() => undefined);
	for (const cleanup of cleanups) await cleanup();
	await registry?.stop();
});

describe('registry-lab verify against a real engine and registry', () => {
	it('--json: every checked step is listed, in order, and passes (exit 0)', async () => {
		const {exitCode, report} = await verifyJson();
		expect(report, JSON.stringify(report, null, 2)).toMatchObject({lesson: 'registries', registry: registry.host, ok: true});
		expect(report.steps.map(step => step.id)).toEqual(checkedSteps);
		expect(failing(report)).toEqual([]);
		expect(report.steps.find(step => step.id === 'login')?.summary).toMatch(new RegExp(`Logged in to ${registry.host} as student`));
		expect(report.steps.find(step => step.id === 'push')?.summary).toContain('Digest: sha256:');
		expect(report.steps.find(step => step.id === 'push')?.summary).not.toMatch(/pushed again/);
		expect(exitCode).toBe(0);
	});

	it('says it in words: one line per step, then the verdict', async () => {
		const result = await verify([]);
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.trim().split('\n');
		const stepLines = lines.filter(line => /^[✔✘?] /.test(line));
		expect(stepLines).toHaveLength(checkedSteps.length);
		expect(stepLines.every(line => line.startsWith('✔ pass  '))).toBe(true);
		expect(stepLines[1]).toMatch(/^✔ pass {2}Log in to the registry: Logged in to /);
		expect(lines).toContain(`All ${checkedSteps.length} steps pass.`);
		// A class run whose every step passes ends with its completion code, which reads back as what the registry has.
		const code = lines.at(-2)!.trim();
		const decoded = decodeCompletionCode(code);
		expect(decoded, code).toMatchObject({ok: true, claim: {registry: registry.host, username: 'student', pushed: target}});
		if (decoded.ok) expect(classVars.digest?.startsWith(decoded.claim.digest)).toBe(true);
	});

	it('--json gives each step its status; --verbose tells what each check did, and neither ever holds the password', async () => {
		const json = await verify(['--json']);
		const report = JSON.parse(json.stdout) as Report;
		expect(report.steps.map(step => step.status)).toEqual(checkedSteps.map(() => 'pass'));
		expect(report.steps.find(step => step.id === 'push')?.did).toMatch(/^HEAD http:\/\/\S+\/manifests\/1\.0 → 200, Docker-Content-Digest sha256:/);
		const words = await verify(['--verbose']);
		expect(words.exitCode).toBe(0);
		expect(words.stdout).toContain(`\n    checked: read ${studentEnv.DOCKER_CONFIG}/config.json\n    checked: → logged in as student\n`);
		expect(words.stdout).toContain(`\n    checked: docker image inspect --format {{.Id}} ${target} → sha256:`);
		expect(words.stdout).toContain(`\n    checked: HEAD http://${registry.host}/v2/`);
		for (const said of [json.stdout, json.stderr, words.stdout, words.stderr]) {
			expect(said).not.toContain(student.password);
			expect(said).not.toContain(Buffer.from(`${student.username}:${student.password}`).toString('base64'));
			expect(said).not.toMatch(/authorization|bearer /i);
		}
		// Without --verbose, one line per step.
		expect((await verify([])).stdout).not.toContain('checked: ');
	});

	it('a registry that has stopped: its steps could not be checked (status unknown, exit 1), said apart from the fails', async () => {
		const down = await tempHome();
		const host = `127.0.0.1:${await closedPort()}`;
		saveProgress(down, {...classVars, registry: host, target: target.replace(registry.host, host)});
		const {exitCode, report} = await verifyJson({home: down});
		expect(exitCode).toBe(1);
		for (const id of ['push', 'see-it']) expect(report.steps.find(step => step.id === id)).toMatchObject({status: 'unknown', ok: false});
		const words = await verify([], {home: down});
		expect(words.exitCode).toBe(1);
		expect(words.stdout).toMatch(/^\? could not check {2}Push it: The registry 127\.0\.0\.1:\d+ could not be reached\./m);
		const fails = report.steps.filter(step => step.status === 'fail').length;
		expect(words.stdout.trim().split('\n').at(-1)).toBe(
			`${fails} of ${checkedSteps.length} steps fail; could not check 2 (not a fail: run verify again later).`,
		);
	});

	it('no saved progress: says so and exits 1, in JSON too', async () => {
		const empty = await tempHome();
		const json = await verify(['--json'], {home: empty});
		expect(json.exitCode).toBe(1);
		expect(JSON.parse(json.stdout)).toEqual({
			lesson: 'registries',
			ok: false,
			error: 'no-progress',
			message: 'no saved progress for lesson registries: run registry-lab --lesson registries first.',
		});
		const words = await verify([], {home: empty});
		expect(words.exitCode).toBe(1);
		expect(words.stdout).toMatch(/no saved progress for lesson registries: run registry-lab --lesson registries first/);
	});

	it('an unknown lesson is a usage error (exit 2) that lists the lessons there are', async () => {
		const result = await verify(['--lesson', 'nosuch']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/there is no lesson 'nosuch'.*there is: .*registries/);
	});

	it('steps not reached yet fail as "not done yet"', async () => {
		const partial = await tempHome();
		saveProgress(partial, {registry: registry.host, registryKind: 'class', username: student.username, image}, 'tag');
		const {exitCode, report} = await verifyJson({home: partial});
		expect(exitCode).toBe(1);
		expect(failing(report)).toEqual(['tag', 'push', 'see-it', 'pull']);
		for (const id of failing(report)) expect(report.steps.find(step => step.id === id)?.summary).toBe('Not done yet.');
	});

	it('a practice registry that has stopped is said to be gone, not a network error', async () => {
		const gone = await tempHome();
		const host = `127.0.0.1:${await closedPort()}`;
		saveProgress(gone, {
			registry: host,
			registryKind: 'practice',
			username: 'student',
			image,
			target: `${host}/student/first-image:1.0`,
			pullRef: classmateImage,
		});
		const {exitCode, report} = await verifyJson({home: gone});
		expect(exitCode).toBe(1);
		for (const id of ['push', 'see-it']) {
			const step = report.steps.find(candidate => candidate.id === id);
			expect(step?.ok).toBe(false);
			expect(step?.summary).toMatch(new RegExp(`The practice registry \\(${host}\\) is no longer running`));
		}
		expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|connection refused/i);
		const words = await verify([], {home: gone});
		expect(words.stdout).toMatch(/✘ fail {2}Push it: The practice registry .* is no longer running.* — Run registry-lab --practice/);
	});

	it('runs on two registries: the run saved last is checked, unless --registry or --practice names one', async () => {
		const both = await tempHome();
		saveProgress(both, classVars);
		const host = `127.0.0.1:${await closedPort()}`;
		saveProgress(both, {registry: host, registryKind: 'practice', username: 'student', image}, 'login');

		const last = await verify(['--json'], {home: both});
		expect((JSON.parse(last.stdout) as Report).registry).toBe(host);
		const chosen = await verify(['--json', '--registry', registry.host], {home: both});
		expect(JSON.parse(chosen.stdout)).toMatchObject({registry: registry.host, ok: true});
		expect(chosen.exitCode).toBe(0);
		const practice = await verify(['--json', '--practice'], {home: both});
		expect((JSON.parse(practice.stdout) as Report).registry).toBe(host);
		const elsewhere = await verify(['--registry', '127.0.0.1:1'], {home: both});
		expect(elsewhere.exitCode).toBe(1);
		expect(elsewhere.stdout).toMatch(/no saved progress for lesson registries on 127\.0\.0\.1:1: run registry-lab --lesson registries first/);
	});

	it('the pushed name removed from this computer: exactly the tag step fails (exit 1)', async () => {
		await removeImage(target, testEngine(studentEnv));
		const {exitCode, report} = await verifyJson();
		expect(failing(report), JSON.stringify(report, null, 2)).toEqual(['tag']);
		expect(report.steps.find(step => step.id === 'tag')?.summary).toBe(`There is no image called ${target} yet.`);
		expect(report.ok).toBe(false);
		expect(exitCode).toBe(1);
	});

	it('after docker logout: the login fails, and so does every question put to the registry with it', async () => {
		await docker(['logout', registry.host], studentEnv);
		const {exitCode, report} = await verifyJson();
		expect(failing(report), JSON.stringify(report, null, 2)).toEqual(['login', 'tag', 'push', 'see-it']);
		const login = report.steps.find(step => step.id === 'login');
		expect(login?.summary).toBe(`docker has no stored login for ${registry.host}.`);
		expect(login?.cause).toBe('not-logged-in');
		expect(login?.hint).toBeTruthy();
		expect(report.steps.find(step => step.id === 'push')?.cause).toBe('not-logged-in');
		expect(exitCode).toBe(1);
		const words = await verify([]);
		expect(words.exitCode).toBe(1);
		expect(words.stdout).toMatch(
			new RegExp(`^✘ fail {2}Log in to the registry: docker has no stored login for ${registry.host.replaceAll('.', '\\.')}\\. — \\S`, 'm'),
		);
		expect(words.stdout.trim().split('\n').at(-1)).toBe(`4 of ${checkedSteps.length} steps fail.`);
	});
});

/** A port on 127.0.0.1 that nothing listens on (any more). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise(resolve => server.close(resolve));
	if (!address || typeof address === 'string') throw new Error('no port');
	return address.port;
}
