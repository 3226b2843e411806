import {existsSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {mkdir, mkdtemp, readFile, rm, utimes, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {engineCommand} from '../../src/container/commands.js';
import {imageId} from '../../src/container/images.js';
import {createLabServices} from '../../src/driver/services.js';
import {madeFileName, writeMade, type Made} from '../../src/progress/made-by-lab.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {runCommand} from '../../src/run/run-command.js';
import {imageExists, makeTestImage, removeImage, requireEngine, tempDockerConfig, testEngine, uniqueName} from '../helpers/engine.js';
import {cleanUpPlainClis, killPlainClis, startPlainCli, type PlainCli} from '../helpers/plain-cli.js';
import {dockerLogin, pushAsClassmate, startTestRegistry} from '../helpers/registry.js';

const student = {username: 'student', password: 'student-pass-1234'};
const classmate = {username: 'classmate', password: 'classmate-pass-5678'};
/** A login to another registry, stored before the lesson: cleanup never touches it. */
const otherLogin = {'other.example:5000': {auth: Buffer.from('someone:their-secret').toString('base64')}};

let registry: PracticeRegistry;
let classmateImage: string;
/** The cleanup's own temp folder: it never sees, nor removes, what labs and tests running beside it left in the real one. */
let tmp: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	await requireEngine();
	tmp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-cleanup-tmp-'));
	cleanups.push(() => rm(tmp, {recursive: true, force: true}));
	registry = await startTestRegistry([student, classmate]);
	classmateImage = await pushAsClassmate(registry.host, classmate, 'cleanup-shared');
});

afterEach(() => killPlainClis());

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup().catch(() => undefined);
	await cleanUpPlainClis();
	await registry?.stop();
});

/** `registry-lab cleanup ARGS` from source, over pipes (no terminal), with the lab's home and login store. */
async function cleanup(args: readonly string[], env: {home: string; config: string}): Promise<{exitCode: number | null; stdout: string; stderr: string}> {
	const result = await runCommand({
		file: process.execPath,
		args: ['--import', 'tsx', 'src/main.ts', 'cleanup', ...args],
		env: {...process.env, REGISTRY_LAB_HOME: env.home, DOCKER_CONFIG: path.dirname(env.config), NO_COLOR: '1', TMPDIR: tmp},
		timeoutMs: 120_000,
	});
	return {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr};
}

const enter = /Press Enter to [^\n]*: $/m;
const typed = /^\$ $/m;

/** The whole lesson through plain mode, with `image` as the image to share; returns the name it was tagged with. */
async function runLesson(cli: PlainCli, image: string): Promise<string> {
	const repository = uniqueName('cleanup-first');
	const target = `${registry.host}/student/${repository}:1.0`;
	await cli.answer('Press Enter to continue: ', '');
	await cli.answer(`Your username on ${registry.host}: `, student.username);
	await cli.answer(/Password for student on [^\n]*\(not shown while you type\): /, student.password);
	await cli.answer(enter, '');
	await cli.waitFor(/PASS Logged in to [^\n]* as student/);
	await cli.answer(/Type a number \(0 to \d+\) or an image name \[0\]: /, image);
	await cli.answer('Repository name [first-image]: ', repository);
	await cli.answer('Tag (version) [1.0]: ', '');
	await cli.answer(typed, `docker tag ${image} ${target}`);
	await cli.waitFor(/PASS [^\n]*same image/);
	await cli.answer(typed, `docker push ${target}`);
	await cli.waitFor(/PASS [^\n]*\n\s+Digest: sha256:[0-9a-f]{64}/);
	await cli.answer('Press Enter to check, e to change your answers, q to quit: ', '');
	await cli.answer('Image to pull: ', classmateImage);
	await cli.answer(typed, '!run');
	await cli.waitFor(/PASS [^\n]* is on this computer/, 90_000);
	await cli.answer('Press Enter to continue: ', '');
	await cli.waitFor('Lesson finished');
	expect(await cli.exited).toBe(0);
	return target;
}

const hasLogin = async (config: string, host: string): Promise<boolean> =>
	Boolean((JSON.parse(await readFile(config, 'utf8')) as {auths?: Record<string, {auth?: string}>}).auths?.[host]?.auth);

describe('registry-lab cleanup after a lesson', () => {
	it('lists, changes nothing with --dry-run or without a terminal, then with --yes removes exactly what the lab made', async () => {
		// Before the lesson: an image of the student's own, another tag of the same image, and a login to another registry.
		const own = `${uniqueName('cleanup-own')}:1.0`;
		const made = await makeTestImage(own);
		const sameImage = `${uniqueName('cleanup-alias')}:2.0`;
		expect((await runCommand(engineCommand(testEngine(), ['tag', own, sameImage], {timeoutMs: 30_000}))).exitCode).toBe(0);
		const unrelated = `${uniqueName('cleanup-unrelated')}:1.0`;
		await makeTestImage(unrelated);
		cleanups.push(
			() => removeImage(own),
			() => removeImage(sameImage),
			() => removeImage(unrelated),
			() => removeImage(classmateImage),
		);
		expect(await imageExists(classmateImage)).toBe(false);

		const cli = await startPlainCli(['--plain', '--registry', registry.host]);
		await writeFile(cli.config, `${JSON.stringify({auths: otherLogin})}\n`);
		const target = await runLesson(cli, own);
		cleanups.push(() => removeImage(target));

		// The last words say where the login is kept, that it is unencrypted, and the command that removes it all.
		const words = cli.stdout().slice(cli.stdout().lastIndexOf('Lesson finished'));
		expect(words).toContain(`Your login is kept in ${cli.config}, unencrypted`);
		expect(words).toMatch(/^ {2}registry-lab cleanup$/m);
		expect(await hasLogin(cli.config, registry.host)).toBe(true);
		const progress = path.join(cli.home, 'progress.json');
		expect(existsSync(progress)).toBe(true);
		expect(existsSync(path.join(cli.home, madeFileName))).toBe(true);

		// --dry-run lists and changes nothing.
		const dry = await cleanup(['--dry-run'], cli);
		expect(dry.exitCode, dry.stderr).toBe(0);
		expect(dry.stdout).toContain(`remove        the tag ${target}`);
		expect(dry.stdout).toContain(`remove        the pulled image ${classmateImage}`);
		expect(dry.stdout).toContain(`remove        the login to ${registry.host} as student, kept in ${cli.config}, unencrypted`);
		expect(dry.stdout).toContain(`remove        your saved progress ${progress}`);
		expect(dry.stdout).toContain('--dry-run: nothing was removed.');
		expect(dry.stdout).not.toContain('replaced');
		expect(dry.stdout).not.toContain(own);
		expect(dry.stdout).not.toContain(sameImage);
		expect(dry.stdout).not.toContain('other.example');
		expect(await imageExists(target)).toBe(true);
		expect(await imageExists(classmateImage)).toBe(true);
		expect(await hasLogin(cli.config, registry.host)).toBe(true);
		expect(existsSync(progress)).toBe(true);

		// No terminal to ask in and no --yes: listed, refused, nothing removed.
		const refused = await cleanup([], cli);
		expect(refused.exitCode).toBe(2);
		expect(refused.stderr).toContain('run registry-lab cleanup --yes to remove them');
		expect(await imageExists(target)).toBe(true);
		expect(await hasLogin(cli.config, registry.host)).toBe(true);

		const done = await cleanup(['--yes'], cli);
		expect(done.exitCode, done.stdout + done.stderr).toBe(0);
		expect(done.stdout).toContain(`removed       the tag ${target}`);
		expect(done.stdout).toContain(`removed       the pulled image ${classmateImage}`);
		expect(done.stdout).toContain(`removed       the login to ${registry.host}`);
		expect(done.stdout).toContain('Done: nothing registry-lab made is left on this computer.');
		expect(await imageExists(target)).toBe(false);
		expect(await imageExists(classmateImage)).toBe(false);
		expect(await hasLogin(cli.config, registry.host)).toBe(false);
		expect(existsSync(progress)).toBe(false);
		expect(existsSync(path.join(cli.home, madeFileName))).toBe(false);
		// What the lab did not make is all still here: the image, its other tag, the unrelated image, the other login.
		expect(await imageId(testEngine(), own)).toEqual({ok: true, value: made.id});
		expect(await imageExists(sameImage)).toBe(true);
		expect(await imageExists(unrelated)).toBe(true);
		expect(await hasLogin(cli.config, 'other.example:5000')).toBe(true);

		// Once more: nothing is left to remove.
		const again = await cleanup(['--yes'], cli);
		expect(again.exitCode).toBe(0);
		expect(again.stdout.trim()).toBe('registry-lab has made nothing on this computer that is still here.');
	});
});

describe('registry-lab cleanup and its record', () => {
	const homes: string[] = [];
	afterAll(async () => {
		for (const home of homes) await rm(home, {recursive: true, force: true});
	});
	const place = async (): Promise<{home: string; config: string}> => {
		const home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-cleanup-home-'));
		homes.push(home);
		const docker = await tempDockerConfig();
		cleanups.push(docker.cleanup);
		return {home, config: path.join(docker.dir, 'config.json')};
	};

	it('leaves a tag the student pointed at another image since, and says why', async () => {
		const where = await place();
		const first = await makeTestImage(`${uniqueName('cleanup-first')}:1.0`);
		const second = await makeTestImage(`${uniqueName('cleanup-second')}:1.0`);
		const tag = `${uniqueName('cleanup-moved')}:1.0`;
		const gone = `${uniqueName('cleanup-gone')}:1.0`;
		cleanups.push(
			() => removeImage(first.reference),
			() => removeImage(second.reference),
			() => removeImage(tag),
		);
		const id = await imageId(testEngine(), first.reference);
		if (!id.ok) throw new Error(id.output);
		const at = new Date().toISOString();
		writeMade(
			[
				{kind: 'tag', engine: 'docker', reference: tag, imageId: id.value, at},
				{kind: 'pull', engine: 'docker', reference: gone, imageId: id.value, at},
			],
			where.home,
		);
		// The student tags the name again, at another image.
		expect((await runCommand(engineCommand(testEngine(), ['tag', second.reference, tag], {timeoutMs: 30_000}))).exitCode).toBe(0);

		const result = await cleanup(['--yes'], where);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`left {10}the tag ${tag.replace('.', '\\.')}: it now points at another image .*you tagged it again`));
		expect(result.stdout).toContain(`already gone  the pulled image ${gone}`);
		expect(await imageId(testEngine(), tag)).toEqual({ok: true, value: second.id});
	});

	it('refuses a record it cannot read: nothing is removed, and it says so in one sentence', async () => {
		const where = await place();
		await writeFile(path.join(where.home, madeFileName), '{"version": 1, "made": [{"kind": "tag", "reference": "--force"}]}\n');
		await writeFile(path.join(where.home, 'progress.json'), '{"version": 2, "lessons": {}}\n');
		const result = await cleanup(['--yes'], where);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/cannot be trusted \([^)]*unexpected contents[^)]*\), so nothing was removed\./);
		expect(existsSync(path.join(where.home, 'progress.json'))).toBe(true);
		expect(existsSync(path.join(where.home, madeFileName))).toBe(true);
	});

	it('removes what a killed practice run left: its run record and files, and temp folders no lab is using', async () => {
		const where = await place();
		// A lab that is gone: a process that has exited.
		const gone = spawnSync(process.execPath, ['-e', 'process.pid'], {encoding: 'utf8'}).pid;
		expect(gone).toBeGreaterThan(0);
		const runs = path.join(tmp, `registry-lab-${process.getuid?.() ?? 0}`, 'practice-runs');
		await mkdir(runs, {recursive: true, mode: 0o700});
		const data = path.join(tmp, 'registry-lab-practice-left');
		await mkdir(path.join(data, 'storage'), {recursive: true});
		await writeFile(path.join(runs, `${gone}-abcd.json`), JSON.stringify({labPid: gone, startedAt: new Date().toISOString(), remove: [data]}));
		const old = path.join(tmp, 'registry-lab-classmate-old');
		const fresh = path.join(tmp, 'registry-lab-classmate-fresh');
		await mkdir(old);
		await mkdir(fresh);
		const hourAgo = new Date(Date.now() - 3_600_000);
		await utimes(old, hourAgo, hourAgo);

		const listed = await cleanup(['--dry-run'], where);
		expect(listed.stdout).toContain('what a practice registry left when the lab was killed');
		expect(listed.stdout).toContain(`a temporary folder ${old}`);
		// A folder a lab may be using right now is not listed.
		expect(listed.stdout).not.toContain(fresh);

		const result = await cleanup(['--yes'], where);
		expect(result.exitCode, result.stdout + result.stderr).toBe(0);
		expect(existsSync(data)).toBe(false);
		expect(existsSync(path.join(runs, `${gone}-abcd.json`))).toBe(false);
		expect(existsSync(old)).toBe(false);
		expect(existsSync(fresh)).toBe(true);
	});

	it('with nothing recorded says so and exits 0', async () => {
		const where = await place();
		const result = await cleanup([], where);
		expect(result.exitCode).toBe(0);
		expect(result.stdout.trim()).toBe('registry-lab has made nothing on this computer that is still here.');
	});
});

describe('what the driver records, by the engine verb', () => {
	it('records a new tag, a new pull and the starter image it made; never a name that was already here', async () => {
		const engine = testEngine();
		const made: Made[] = [];
		const services = createLabServices({engine, registry: registry.host, registryKind: 'class', recordMade: thing => void made.push(thing)});
		const source = await makeTestImage(`${uniqueName('record-source')}:1.0`);
		const already = `${uniqueName('record-already')}:1.0`;
		const fresh = `${uniqueName('record-fresh')}:1.0`;
		const starter = `${uniqueName('record-starter')}:1.0`;
		cleanups.push(
			() => removeImage(source.reference),
			() => removeImage(already),
			() => removeImage(fresh),
			() => removeImage(starter),
			() => removeImage(classmateImage),
		);
		expect((await runCommand(engineCommand(engine, ['tag', source.reference, already], {timeoutMs: 30_000}))).exitCode).toBe(0);
		await removeImage(classmateImage);
		// The test's own login store: the registry lets only its accounts pull.
		await dockerLogin(engine.env, registry.host, student.username, student.password);

		// Tagged again at the image it already names: nothing new was made.
		expect((await services.runEngine(['tag', source.reference, already], {})).exitCode).toBe(0);
		expect((await services.runEngine(['tag', source.reference, fresh], {})).exitCode).toBe(0);
		// Pulled while not here: recorded; pulled again while here: not again.
		expect((await services.runEngine(['pull', classmateImage], {})).exitCode).toBe(0);
		expect((await services.runEngine(['pull', classmateImage], {})).exitCode).toBe(0);
		// A tag that failed made nothing.
		expect((await services.runEngine(['tag', 'registry-lab-no-such-image:1.0', `${fresh}-x`], {})).exitCode).not.toBe(0);
		expect((await services.makeStarterImage(engine, 'record', {reference: starter})).ok).toBe(true);
		// Made once: the second time the image was already here.
		expect((await services.makeStarterImage(engine, 'record', {reference: starter})).ok).toBe(true);

		expect(made.map(thing => [thing.kind, 'reference' in thing ? thing.reference : ''])).toEqual([
			['tag', fresh],
			['pull', classmateImage],
			['starter', starter],
		]);
		expect(made[0]).toMatchObject({imageId: source.id});

		// A login over one the lab did not make is recorded, and says it replaced it.
		const login = ['login', registry.host, '--username', student.username, '--password-stdin'];
		expect((await services.runEngine(login, {stdin: student.password})).exitCode).toBe(0);
		expect(made.at(-1)).toMatchObject({kind: 'login', registry: registry.host, replaced: true, store: {kind: 'file'}});
	});
});
