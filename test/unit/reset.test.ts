import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {existsSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openProgressStore, progressFrom} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';

let home: string;

/** The real CLI, run from source, with its progress file in a folder of this test's own. */
const cli = (args: string[]) =>
	runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', 'reset', ...args], env: {REGISTRY_LAB_HOME: home}, timeoutMs: 30_000});

const store = () => openProgressStore({cwd: home});

function saveProgress(
	lessonId: string,
	stepId = 'push',
	registry: {registry: string; registryKind: 'hub' | 'class' | 'practice'} = {registry: '127.0.0.1:5000', registryKind: 'class'},
): void {
	store().save(
		lessonId,
		progressFrom({
			...registry,
			vars: {username: 'student', image: 'hello:1.0'},
			completed: ['what-is-a-registry', 'account', 'login'],
			stats: {},
			stepId,
			finished: false,
		}),
	);
}

beforeEach(async () => {
	home = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-reset-'));
});

afterEach(async () => {
	await rm(home, {recursive: true, force: true});
});

describe('registry-lab reset', () => {
	it('reset LESSON --yes clears that lesson only, and says what it cleared', async () => {
		saveProgress('registries');
		saveProgress('other');
		const result = await cli(['registries', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(
			/Cleared saved progress for lesson registries: the class registry 127\.0\.0\.1:5000 as student, 3 steps done, stopped at 'push'\./,
		);
		expect(store().get('registries')).toBeUndefined();
		expect(store().get('other')).toBeDefined();
	});

	it('reset versions --yes clears the second lesson, and keeps the first', async () => {
		saveProgress('registries');
		saveProgress('versions', 'push-2');
		const result = await cli(['versions', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(
			/Cleared saved progress for lesson versions: the class registry 127\.0\.0\.1:5000 as student, 3 steps done, stopped at 'push-2'\./,
		);
		expect(store().get('versions')).toBeUndefined();
		expect(store().get('registries')).toBeDefined();
	});

	it('reset LESSON --yes clears every run of the lesson, on every registry, and says how many', async () => {
		saveProgress('registries', 'push');
		saveProgress('registries', 'login', {registry: '127.0.0.1:41234', registryKind: 'practice'});
		saveProgress('other');
		expect(store().runs('registries')).toHaveLength(2);
		const result = await cli(['registries', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/lesson registries: the class registry 127\.0\.0\.1:5000 as student, 3 steps done, stopped at 'push'\./);
		expect(result.stdout).toMatch(/lesson registries: the practice registry 127\.0\.0\.1:41234 as student, 3 steps done, stopped at 'login'\./);
		expect(result.stdout).toMatch(/^2 saved runs cleared\.$/m);
		expect(store().runs('registries')).toEqual([]);
		expect(store().get('other')).toBeDefined();
	});

	it('reset --yes clears every lesson', async () => {
		saveProgress('registries');
		saveProgress('other');
		const result = await cli(['--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/lesson registries/);
		expect(result.stdout).toMatch(/lesson other/);
		expect(store().all()).toEqual({});
	});

	it('without a terminal and without --yes it refuses (exit 2), says to pass --yes, and keeps the progress', async () => {
		saveProgress('registries');
		const result = await cli([]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/no terminal to ask in; pass --yes/);
		expect(store().get('registries')).toBeDefined();
	});

	it('a real lesson with nothing saved: says so and exits 0', async () => {
		saveProgress('other');
		const result = await cli(['registries', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/No saved progress for lesson registries: nothing to clear/);
		expect(store().get('other')).toBeDefined();
	});

	it('no such lesson: one line that says so, and what there is (exit 2); nothing is cleared', async () => {
		saveProgress('registries');
		const result = await cli(['nosuch', '--yes']);
		expect(result.exitCode).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim()).toMatch(/^registry-lab reset: there is no lesson 'nosuch' \(there is: registries, versions\)$/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(store().get('registries')).toBeDefined();
	});

	it('a lesson that is no longer there but has saved progress is still cleared', async () => {
		saveProgress('registries');
		saveProgress('from-a-file');
		const result = await cli(['from-a-file', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/Cleared saved progress for lesson from-a-file/);
		expect(store().get('from-a-file')).toBeUndefined();
		expect(store().get('registries')).toBeDefined();
	});

	it('a lesson named by its file is cleared by its id', async () => {
		saveProgress('registries');
		const result = await cli(['lessons/registries.yaml', '--yes']);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/Cleared saved progress for lesson registries/);
		expect(store().get('registries')).toBeUndefined();
	});

	it('nothing saved at all: says so, without asking, and exits 0', async () => {
		const result = await cli([]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/No saved progress: nothing to clear/);
	});

	// util-linux `script` gives the CLI a real terminal, so the question is asked and answered.
	it.skipIf(!existsSync('/usr/bin/script'))('on a terminal it asks first: n keeps the progress (exit 1), y clears it', async () => {
		saveProgress('registries');
		const onTerminal = (answer: string) =>
			runCommand({
				file: '/usr/bin/script',
				args: ['-qec', `'${process.execPath}' --import tsx src/main.ts reset registries`, '/dev/null'],
				stdin: `${answer}\n`,
				env: {REGISTRY_LAB_HOME: home},
				timeoutMs: 30_000,
			});
		const no = await onTerminal('n');
		expect(no.stdout).toMatch(/Clear saved progress for lesson registries\? \[y\/N\]/);
		expect(no.stdout).toMatch(/Nothing was cleared/);
		expect(no.exitCode).toBe(1);
		expect(store().get('registries')).toBeDefined();
		const yes = await onTerminal('y');
		expect(yes.stdout).toMatch(/Cleared saved progress for lesson registries/);
		expect(yes.exitCode).toBe(0);
		expect(store().get('registries')).toBeUndefined();
	});

	it('more than one lesson is a usage error', async () => {
		const result = await cli(['a', 'b', '--yes']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/at most one lesson/);
	});
});
