import {mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {progressSaver} from '../../src/commands/lab.js';
import {startRun} from '../../src/lesson-run/lesson-run.js';
import {openProgressStore} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';
import {registryLesson} from '../helpers/lesson.js';

let dir: string;

/** The real CLI, run from source, with REGISTRY_LAB_HOME pointing where the test says. */
const cli = (home: string, args: string[], stdin?: string) =>
	runCommand({
		file: process.execPath,
		args: ['--import', 'tsx', 'src/main.ts', ...args],
		env: {REGISTRY_LAB_HOME: home, NO_COLOR: '1'},
		timeoutMs: 30_000,
		...(stdin === undefined ? {} : {stdin}),
	});

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |Error:|node:internal/);

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-store-errors-'));
});

afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('a progress file that cannot be used', () => {
	it('verify: REGISTRY_LAB_HOME is a file: exit 1 and one sentence', async () => {
		const home = path.join(dir, 'a-file');
		await writeFile(home, 'x');
		const result = await cli(home, ['verify']);
		expect(result.exitCode, result.stderr).toBe(1);
		expect(result.stderr.trim()).toMatch(/^registry-lab verify: Your progress cannot be kept in .*a-file: part of that path is a file, not a folder/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		noStackTrace(result.stderr);

		const json = await cli(home, ['verify', '--json']);
		expect(json.exitCode).toBe(1);
		expect(JSON.parse(json.stdout)).toMatchObject({lesson: 'registries', ok: false, error: 'progress-unreadable'});
	});

	it('reset: a progress.json that is a symbolic link: exit 1, one sentence, the link target untouched', async () => {
		const target = path.join(dir, 'target.json');
		await writeFile(target, '{}');
		const home = path.join(dir, 'home');
		await mkdir(home);
		await symlink(target, path.join(home, 'progress.json'));
		const result = await cli(home, ['reset', '--yes']);
		expect(result.exitCode, result.stderr).toBe(1);
		expect(result.stderr.trim()).toMatch(/^registry-lab reset: The progress file .* is a symbolic link, .* Nothing was cleared\.$/);
		noStackTrace(result.stderr);
		expect(await readFile(target, 'utf8')).toBe('{}');
	});

	it('the lesson: an unusable store is said once on stderr, and the lesson runs without saving', async () => {
		const home = path.join(dir, 'a-file');
		await writeFile(home, 'x');
		const result = await cli(home, ['--plain', '--registry', '127.0.0.1:5999'], 'q\n');
		expect(result.stderr).toMatch(/part of that path is a file, not a folder .*The lesson runs without saving your progress\./);
		expect(result.stderr.match(/runs without saving/g)).toHaveLength(1);
		noStackTrace(result.stderr);
		expect(result.exitCode).toBe(1);
	});
});

describe('saving in the lesson', () => {
	const vars = {registry: '127.0.0.1:5000', registryKind: 'class', username: 'student'};
	const state = async () => startRun(await registryLesson(), 'class', vars, {stepId: 'push'});

	it('a full disk mid-lesson: the save returns one sentence for the driver to say, and throws nothing', async () => {
		const full = {
			writeSync: () => {
				throw Object.assign(new Error('ENOSPC: no space left on device'), {code: 'ENOSPC'});
			},
		};
		const save = progressSaver(openProgressStore({cwd: dir, fs: full}));
		expect(save(await state())).toBe(
			'Your progress could not be saved (the disk is full): the lesson goes on, but resuming will start from the last step that was saved.',
		);
	});

	it('a store that works saves and returns nothing; without a store nothing is saved', async () => {
		expect(progressSaver(openProgressStore({cwd: dir}))(await state())).toBeUndefined();
		expect(openProgressStore({cwd: dir}).get('registries')?.stepId).toBe('push');
		expect(progressSaver(undefined)(await state())).toBeUndefined();
	});
});
