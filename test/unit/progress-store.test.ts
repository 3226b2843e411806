import {chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {openSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {defaultProgressDir, openProgressStore, ProgressStoreError, progressFrom} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'registry-lab-progress-'));

describe('the progress store', () => {
	it('keeps only allow-listed variables: a password in the run never reaches the file', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		const progress = progressFrom({
			vars: {
				registry: '127.0.0.1:5000',
				registryKind: 'class',
				username: 'alice',
				password: 'hunter2-secret',
				practicePassword: 'abcd-efgh',
				target: '127.0.0.1:5000/alice/demo:1.0',
				digest: 'sha256:' + 'a'.repeat(64),
			},
			completed: ['login'],
			stats: {login: {attempts: 2, hints: 0}},
			stepId: 'tag',
			finished: false,
		});
		store.save('registries', progress);
		const text = await readFile(store.path, 'utf8');
		expect(text).not.toContain('hunter2-secret');
		expect(text).not.toContain('abcd-efgh');
		expect(openProgressStore({cwd}).get('registries')).toMatchObject({
			username: 'alice',
			stepId: 'tag',
			completed: ['login'],
			stats: {login: {attempts: 2}},
		});
	});

	it('moves a corrupt file aside with a notice instead of crashing or overwriting it', async () => {
		const cwd = await tempDir();
		await writeFile(path.join(cwd, 'progress.json'), '{"version": 1, "lessons": {');
		const store = openProgressStore({cwd});
		expect(store.notice).toMatch(/could not be read .*not valid JSON.*moved to/);
		expect(store.all()).toEqual({});
		const files = await readdir(cwd);
		const aside = files.find(name => name.startsWith('progress.json.unreadable-'));
		expect(aside).toBeDefined();
		expect(await readFile(path.join(cwd, aside!), 'utf8')).toBe('{"version": 1, "lessons": {');
	});

	it('moves aside a file of the wrong shape', async () => {
		const cwd = await tempDir();
		await writeFile(path.join(cwd, 'progress.json'), JSON.stringify({version: 1, lessons: {registries: {completed: 'nope'}}}));
		const store = openProgressStore({cwd});
		expect(store.notice).toMatch(/unexpected contents/);
	});

	it('clears one lesson or all', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		const progress = progressFrom({vars: {registry: 'docker.io', registryKind: 'hub'}, completed: [], stats: {}, stepId: 'login', finished: false});
		store.save('a', progress);
		store.save('b', progress);
		store.clear('a');
		expect(Object.keys(store.all())).toEqual(['b']);
		store.clear();
		expect(store.all()).toEqual({});
	});
});

const progressAt = (stepId: string) =>
	progressFrom({vars: {registry: '127.0.0.1:5000', registryKind: 'class'}, completed: [], stats: {}, stepId, finished: false});

/** The real fs, with one operation replaced by one that fails with `code`. */
function failing(code: string, operation: 'writeSync' | 'openSync') {
	const error = () => Object.assign(new Error(`${code}: injected`), {code});
	if (operation === 'writeSync') {
		return {
			writeSync: () => {
				throw error();
			},
		};
	}
	// Only opening a new file for writing fails: reading still works, as on a folder one may read but not write.
	return {
		openSync: ((file: string, flags: string | number, mode?: number) => {
			if (flags === 'wx') throw error();
			return openSync(file, flags, mode);
		}) as typeof openSync,
	};
}

describe('the progress store on a hostile disk', () => {
	it('the default folder an older version made 0755 becomes 0700', async () => {
		const config = await tempDir();
		const dir = path.join(config, 'registry-lab');
		await mkdir(dir, {mode: 0o755});
		await chmod(dir, 0o755);
		vi.stubEnv('REGISTRY_LAB_HOME', '');
		vi.stubEnv('XDG_CONFIG_HOME', config);
		try {
			const store = process.platform === 'linux' ? openProgressStore() : undefined;
			if (!store) return;
			expect(store.path).toBe(path.join(dir, 'progress.json'));
			expect((await stat(dir)).mode & 0o777).toBe(0o700);
		} finally {
			vi.unstubAllEnvs();
		}
	});

	it('keeps the file private: progress.json 0600 in a folder 0700, and a file an older version made 0644 becomes 0600', async () => {
		const parent = await tempDir();
		const cwd = path.join(parent, 'nested', 'registry-lab');
		openProgressStore({cwd}).save('a', progressAt('login'));
		expect((await stat(cwd)).mode & 0o777).toBe(0o700);
		expect((await stat(path.join(cwd, 'progress.json'))).mode & 0o777).toBe(0o600);

		await chmod(cwd, 0o755);
		await chmod(path.join(cwd, 'progress.json'), 0o644);
		const store = openProgressStore({cwd});
		expect(store.get('a')?.stepId).toBe('login');
		// An existing folder named by the caller is tightened only when it is the default one; the file always is.
		expect((await stat(path.join(cwd, 'progress.json'))).mode & 0o777).toBe(0o600);
		store.save('a', progressAt('tag'));
		expect((await stat(path.join(cwd, 'progress.json'))).mode & 0o777).toBe(0o600);
	});

	it('REGISTRY_LAB_HOME pointing to a file: one sentence, no stack trace', async () => {
		const cwd = path.join(await tempDir(), 'a-file');
		await writeFile(cwd, 'x');
		expect(() => openProgressStore({cwd})).toThrow(ProgressStoreError);
		expect(() => openProgressStore({cwd})).toThrow(/cannot be kept in .*a-file: part of that path is a file, not a folder/);
		expect(() => openProgressStore({cwd: path.join(cwd, 'below')})).toThrow(/part of that path is a file/);
	});

	it('a file containing null is moved aside with a notice', async () => {
		const cwd = await tempDir();
		await writeFile(path.join(cwd, 'progress.json'), 'null');
		const store = openProgressStore({cwd});
		expect(store.notice).toMatch(/could not be read \(unexpected contents at the top\); it was moved to .*unreadable-/);
		expect(store.all()).toEqual({});
		store.save('a', progressAt('login'));
		expect(JSON.parse(await readFile(store.path, 'utf8'))).toMatchObject({version: 1, lessons: {a: {stepId: 'login'}}});
	});

	it('refuses a progress.json that is a symbolic link, and never writes through it', async () => {
		const cwd = await tempDir();
		const target = path.join(await tempDir(), 'elsewhere.json');
		await writeFile(target, JSON.stringify({version: 1, lessons: {}}));
		await symlink(target, path.join(cwd, 'progress.json'));
		expect(() => openProgressStore({cwd})).toThrow(/progress\.json is a symbolic link, which registry-lab does not follow/);
		expect(await readFile(target, 'utf8')).toBe(JSON.stringify({version: 1, lessons: {}}));

		// A link made after the store was opened is refused too.
		const later = await tempDir();
		const store = openProgressStore({cwd: later});
		await symlink(target, path.join(later, 'progress.json'));
		expect(() => store.save('a', progressAt('login'))).toThrow(/symbolic link/);
		expect(await readFile(target, 'utf8')).toBe(JSON.stringify({version: 1, lessons: {}}));
		expect((await lstat(path.join(later, 'progress.json'))).isSymbolicLink()).toBe(true);
	});

	it.each([
		['ENOSPC', 'writeSync', /the disk is full/],
		['EDQUOT', 'writeSync', /the disk is full/],
		['EACCES', 'openSync', /not allowed to read or write/],
		['EPERM', 'openSync', /not allowed to read or write/],
		['EROFS', 'openSync', /read-only file system/],
	] as const)('%s while saving: one sentence, the old file stays whole, no temp file is left', async (code, operation, sentence) => {
		const cwd = await tempDir();
		openProgressStore({cwd}).save('a', progressAt('login'));
		const before = await readFile(path.join(cwd, 'progress.json'), 'utf8');
		const store = openProgressStore({cwd, fs: failing(code, operation)});
		let thrown: unknown;
		try {
			store.save('a', progressAt('push'));
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(ProgressStoreError);
		expect((thrown as Error).message).toMatch(sentence);
		expect((thrown as Error).message.split('\n')).toHaveLength(1);
		expect(await readFile(path.join(cwd, 'progress.json'), 'utf8')).toBe(before);
		expect((await readdir(cwd)).sort()).toEqual(['progress.json']);
	});

	it('EACCES reading the file: one sentence', async () => {
		const cwd = await tempDir();
		openProgressStore({cwd}).save('a', progressAt('login'));
		const refused = {
			openSync: () => {
				throw Object.assign(new Error('EACCES: injected'), {code: 'EACCES'});
			},
		};
		expect(() => openProgressStore({cwd, fs: refused})).toThrow(/You are not allowed to read or write .*progress\.json/);
	});

	it('a stale lock of a lab that is gone is taken over; a live one makes a save give up after the wait', async () => {
		const cwd = await tempDir();
		const lock = path.join(cwd, 'progress.json.lock');
		await writeFile(lock, '999999999 0 stale');
		openProgressStore({cwd}).save('a', progressAt('login'));
		expect(openProgressStore({cwd}).get('a')?.stepId).toBe('login');

		await writeFile(lock, `${process.pid} 0 mine`);
		const store = openProgressStore({cwd, lockWaitMs: 200});
		expect(() => store.save('a', progressAt('push'))).toThrow(/kept the progress file locked/);
		await rm(lock);
	});

	it('three processes saving at once lose nothing: every save lands, and the file ends with each lesson\'s last save', async () => {
		const cwd = await tempDir();
		const saves = 60;
		const writer = path.join(cwd, 'writer.ts');
		await writeFile(
			writer,
			[
				`import {openProgressStore, progressFrom} from ${JSON.stringify(path.resolve('src/progress/store.ts'))};`,
				'const [lesson, count, dir] = process.argv.slice(2);',
				'const store = openProgressStore({cwd: dir});',
				'for (let i = 1; i <= Number(count); i++) {',
				`	const vars = {registry: 'r', registryKind: 'class'};`,
				`	store.save(lesson, progressFrom({vars, completed: [], stats: {}, stepId: 'step-' + i, finished: false}));`,
				'	const seen = openProgressStore({cwd: dir}).get(lesson)?.stepId;',
				`	if (seen !== 'step-' + i) { console.error('lost save ' + i + ' of ' + lesson + ': saw ' + seen); process.exitCode = 1; }`,
				'}',
			].join('\n'),
		);
		const lessons = ['one', 'two', 'three'];
		const results = await Promise.all(
			lessons.map(lesson =>
				runCommand({file: process.execPath, args: ['--import', 'tsx', writer, lesson, String(saves), cwd], timeoutMs: 60_000}),
			),
		);
		for (const result of results) expect(result.stderr).toBe('');
		for (const result of results) expect(result.exitCode).toBe(0);
		const file = JSON.parse(await readFile(path.join(cwd, 'progress.json'), 'utf8')) as {lessons: Record<string, {stepId: string}>};
		expect(Object.fromEntries(Object.entries(file.lessons).map(([id, progress]) => [id, progress.stepId]))).toEqual(
			Object.fromEntries(lessons.map(lesson => [lesson, `step-${saves}`])),
		);
		expect((await readdir(cwd)).sort()).toEqual(['progress.json', 'writer.ts']);
	}, 90_000);
});

describe('the default folder', () => {
	it('is where conf kept it: no -nodejs suffix', () => {
		const home = os.homedir();
		expect(defaultProgressDir({}, 'linux')).toBe(path.join(home, '.config', 'registry-lab'));
		expect(defaultProgressDir({XDG_CONFIG_HOME: '/x/config'}, 'linux')).toBe(path.join('/x/config', 'registry-lab'));
		expect(defaultProgressDir({}, 'darwin')).toBe(path.join(home, 'Library', 'Preferences', 'registry-lab'));
		const appData = 'C:\\Users\\s\\AppData\\Roaming';
		expect(defaultProgressDir({APPDATA: appData}, 'win32')).toBe(path.join(appData, 'registry-lab', 'Config'));
	});
});
