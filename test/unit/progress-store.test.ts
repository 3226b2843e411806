import {chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {openSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {
	defaultProgressDir,
	maxSavedValue,
	maxSavedVars,
	openProgressStore,
	ProgressStoreError,
	progressFrom,
	runKey,
	type LessonProgress,
} from '../../src/progress/store.js';
import {runCommand} from '../../src/run/run-command.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'registry-lab-progress-'));

describe('the progress store', () => {
	it('keeps the variables it is given, whatever their names, bounded: no bad name, empty or over-long value, nor past 100 names', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		const many = Object.fromEntries(Array.from({length: 120}, (_, index) => [`extra${index}`, 'x']));
		const progress = progressFrom({
			registry: '127.0.0.1:5000',
			registryKind: 'class',
			vars: {username: 'alice', version: '2.0', 'not a name': 'x', empty: '', long: 'y'.repeat(maxSavedValue + 1), ...many},
			completed: ['login'],
			stats: {login: {attempts: 2, hints: 0}},
			stepId: 'tag',
			finished: false,
		});
		expect(Object.keys(progress.vars)).toHaveLength(maxSavedVars);
		expect(progress.vars).toMatchObject({username: 'alice', version: '2.0'});
		expect(progress.vars).not.toHaveProperty('not a name');
		expect(progress.vars).not.toHaveProperty('empty');
		expect(progress.vars).not.toHaveProperty('long');
		store.save('registries', progress);
		expect(openProgressStore({cwd}).get('registries')).toMatchObject({
			registry: '127.0.0.1:5000',
			vars: {username: 'alice', version: '2.0'},
			stepId: 'tag',
			completed: ['login'],
			stats: {login: {attempts: 2}},
		});
	});

	it('moves aside a file whose saved variables break the bounds (a file edited by hand is not trusted)', async () => {
		for (const vars of [
			{'bad name': 'x'},
			{long: 'y'.repeat(maxSavedValue + 1)},
			{n: 1},
			Object.fromEntries(Array.from({length: 101}, (_, i) => [`v${i}`, 'x'])),
		]) {
			const cwd = await tempDir();
			const run = {...progressAt('login'), vars};
			await writeFile(path.join(cwd, 'progress.json'), JSON.stringify({version: 3, lessons: {registries: {'127.0.0.1:5000': run}}}));
			expect(openProgressStore({cwd}).notice).toMatch(/unexpected contents at lessons\.registries\.127\.0\.0\.1:5000\.vars/);
		}
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
		const progress = progressFrom({registry: 'docker.io', registryKind: 'hub', vars: {}, completed: [], stats: {}, stepId: 'login', finished: false});
		store.save('a', progress);
		store.save('b', progress);
		store.clear('a');
		expect(Object.keys(store.all())).toEqual(['b']);
		store.clear();
		expect(store.all()).toEqual({});
	});
});

/** A run on a registry, saved at a given time. */
const runOn = (registryKind: LessonProgress['registryKind'], registry: string, stepId: string, updatedAt: string, username = 'alice'): LessonProgress => ({
	...progressFrom({registry, registryKind, vars: {username}, completed: ['what-is-a-registry'], stats: {}, stepId, finished: false}),
	updatedAt,
});

describe('runs per lesson and registry', () => {
	it('keys a run by its registry: Docker Hub as docker.io, a class registry by host[:port] in lowercase, every practice registry as practice', () => {
		expect(runKey({registryKind: 'hub', registry: 'docker.io'})).toBe('docker.io');
		expect(runKey({registryKind: 'class', registry: 'Registry.School.Example:5000'})).toBe('registry.school.example:5000');
		expect(runKey({registryKind: 'class', registry: 'https://127.0.0.1:5000/v2/'})).toBe('127.0.0.1:5000');
		expect(runKey({registryKind: 'class', registry: 'index.docker.io'})).toBe('docker.io');
		expect(runKey({registryKind: 'practice', registry: '127.0.0.1:41234'})).toBe('practice');
		expect(runKey({registryKind: 'practice', registry: '127.0.0.1:39999'})).toBe('practice');
	});

	it('a run on one registry never replaces the run on another; a run on the same registry replaces it', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		store.save('registries', runOn('class', '127.0.0.1:5000', 'tag', '2025-01-01T10:00:00.000Z'));
		store.save('registries', runOn('practice', '127.0.0.1:41234', 'login', '2025-01-01T11:00:00.000Z', 'student'));
		store.save('registries', runOn('hub', 'docker.io', 'account', '2025-01-01T09:00:00.000Z'));
		// The next practice registry runs on another port: still the one practice run.
		store.save('registries', runOn('practice', '127.0.0.1:39999', 'choose-image', '2025-01-01T12:00:00.000Z', 'student'));

		const again = openProgressStore({cwd});
		expect(again.runs('registries').map(run => [run.registryKind, run.registry, run.stepId])).toEqual([
			['practice', '127.0.0.1:39999', 'choose-image'],
			['class', '127.0.0.1:5000', 'tag'],
			['hub', 'docker.io', 'account'],
		]);
		expect(again.get('registries')?.stepId).toBe('choose-image');
		expect(again.get('registries', '127.0.0.1:5000')?.stepId).toBe('tag');
		expect(again.get('registries', 'docker.io')?.stepId).toBe('account');
		expect(again.get('registries', 'practice')?.registry).toBe('127.0.0.1:39999');
		expect(again.get('registries', 'nowhere:1')).toBeUndefined();
		expect(again.all()).toEqual({registries: again.get('registries')});

		const file = JSON.parse(await readFile(store.path, 'utf8')) as {version: number; lessons: Record<string, Record<string, LessonProgress>>};
		expect(file.version).toBe(3);
		expect(Object.keys(file.lessons.registries ?? {}).sort()).toEqual(['127.0.0.1:5000', 'docker.io', 'practice']);
	});

	it('two runs saved within the same millisecond: the one saved last counts as the most recent, after reading the file again too', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		const at = '2025-01-01T10:00:00.000Z';
		store.save('registries', runOn('class', '127.0.0.1:5000', 'tag', at));
		store.save('registries', runOn('practice', '127.0.0.1:41234', 'login', at));
		expect(openProgressStore({cwd}).get('registries')?.registryKind).toBe('practice');
		store.save('registries', runOn('class', '127.0.0.1:5000', 'push', at));
		expect(store.get('registries')?.stepId).toBe('push');
		expect(
			openProgressStore({cwd})
				.runs('registries')
				.map(run => run.registryKind),
		).toEqual(['class', 'practice']);
	});

	it('clearing a lesson clears every run of it, and only that lesson', async () => {
		const cwd = await tempDir();
		const store = openProgressStore({cwd});
		store.save('registries', runOn('class', '127.0.0.1:5000', 'tag', '2025-01-01T10:00:00.000Z'));
		store.save('registries', runOn('practice', '127.0.0.1:41234', 'login', '2025-01-01T11:00:00.000Z'));
		store.save('other', runOn('hub', 'docker.io', 'account', '2025-01-01T09:00:00.000Z'));
		store.clear('registries');
		expect(openProgressStore({cwd}).runs('registries')).toEqual([]);
		expect(openProgressStore({cwd}).runs('other')).toHaveLength(1);
	});

	it("reads a version-1 file (one run per lesson): each run is the lesson's run on its registry; the next save writes version 3", async () => {
		const cwd = await tempDir();
		const v1 = await readFile(new URL('../fixtures/progress/v1.json', import.meta.url), 'utf8');
		expect(JSON.parse(v1)).toMatchObject({version: 1});
		await writeFile(path.join(cwd, 'progress.json'), v1);

		const store = openProgressStore({cwd});
		expect(store.notice).toBeUndefined();
		// Reading changes nothing on disk (verify may read a folder it cannot write).
		expect(await readFile(store.path, 'utf8')).toBe(v1);
		expect(store.runs('registries')).toEqual([
			expect.objectContaining({
				registry: '127.0.0.1:5000',
				registryKind: 'class',
				vars: {username: 'alice', image: 'registry-lab-starter:1.0', target: '127.0.0.1:5000/alice/first-image:1.0'},
				stepId: 'push',
				stats: {login: {attempts: 2, hints: 0}, tag: {attempts: 1, hints: 1}},
			}),
		]);
		expect(store.get('registries', '127.0.0.1:5000')?.completed).toEqual(['what-is-a-registry', 'account', 'login', 'choose-image', 'tag']);
		expect(store.get('other-lesson', 'docker.io')?.vars).toEqual({username: 'alicestudent'});

		// A practice run saved now sits beside the migrated class run.
		store.save('registries', runOn('practice', '127.0.0.1:41234', 'login', new Date().toISOString(), 'student'));
		const file = JSON.parse(await readFile(store.path, 'utf8')) as {version: number; lessons: Record<string, Record<string, LessonProgress>>};
		expect(file.version).toBe(3);
		expect(file.lessons.registries?.['127.0.0.1:5000']).toMatchObject({vars: {username: 'alice'}, stepId: 'push'});
		expect(file.lessons.registries?.['127.0.0.1:5000']).not.toHaveProperty('username');
		expect(file.lessons.registries?.practice).toMatchObject({stepId: 'login'});
		expect(file.lessons['other-lesson']?.['docker.io']).toMatchObject({vars: {username: 'alicestudent'}});
	});

	it("reads a version-2 file (the registry lesson's variables as fields): they become vars, the rest as it was; the next save writes version 3", async () => {
		const cwd = await tempDir();
		const v2 = await readFile(new URL('../fixtures/progress/v2.json', import.meta.url), 'utf8');
		await writeFile(path.join(cwd, 'progress.json'), v2);
		const store = openProgressStore({cwd});
		expect(store.notice).toBeUndefined();
		expect(await readFile(store.path, 'utf8')).toBe(v2);
		const classRun = store.get('registries', '127.0.0.1:5000');
		expect(classRun).toEqual({
			registry: '127.0.0.1:5000',
			registryKind: 'class',
			vars: {
				username: 'alice',
				image: 'registry-lab-starter:1.0',
				target: '127.0.0.1:5000/alice/first-image:1.0',
				digest: `sha256:${'a'.repeat(64)}`,
				pullRef: '127.0.0.1:5000/bob/first-image:1.0',
			},
			stepId: 'done',
			completed: ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag', 'push', 'see-it', 'pull'],
			finished: false,
			stats: {login: {attempts: 1, hints: 0}},
			updatedAt: '2026-11-29T18:00:00.000Z',
			classListener: '127.0.0.1:5001',
			classToken: 'kept-report-token',
		});
		expect(store.get('registries', 'practice')?.vars).toEqual({username: 'student', image: 'registry-lab-starter:1.0'});

		store.save('other', runOn('hub', 'docker.io', 'account', new Date().toISOString()));
		const file = JSON.parse(await readFile(store.path, 'utf8')) as {version: number; lessons: Record<string, Record<string, LessonProgress>>};
		expect(file.version).toBe(3);
		expect(file.lessons.registries?.['127.0.0.1:5000']).toEqual(classRun);
		expect(Object.keys(file.lessons.registries ?? {})).toEqual(['127.0.0.1:5000', 'practice']);
	});

	it('a version-2 file of the wrong shape is moved aside', async () => {
		const cwd = await tempDir();
		await writeFile(path.join(cwd, 'progress.json'), JSON.stringify({version: 2, lessons: {registries: {practice: {...progressAt('x'), image: 7}}}}));
		expect(openProgressStore({cwd}).notice).toMatch(/unexpected contents at lessons\.registries\.practice\.image/);
	});

	it('a version-1 file of the wrong shape is still moved aside', async () => {
		const cwd = await tempDir();
		await writeFile(path.join(cwd, 'progress.json'), JSON.stringify({version: 1, lessons: {registries: {'127.0.0.1:5000': {stepId: 'push'}}}}));
		expect(openProgressStore({cwd}).notice).toMatch(/unexpected contents at lessons\.registries/);
	});

	it('a run filed under a wrong key (a file edited by hand) is read under its own registry; of two on one registry the newer stays', async () => {
		const cwd = await tempDir();
		const older = runOn('class', '127.0.0.1:5000', 'login', '2025-01-01T10:00:00.000Z');
		const newer = runOn('class', '127.0.0.1:5000', 'push', '2025-01-02T10:00:00.000Z');
		await writeFile(path.join(cwd, 'progress.json'), JSON.stringify({version: 3, lessons: {registries: {'127.0.0.1:5000': older, 'wrong-key': newer}}}));
		const store = openProgressStore({cwd});
		expect(store.runs('registries')).toEqual([newer]);
		expect(store.get('registries', '127.0.0.1:5000')).toEqual(newer);
	});
});

const progressAt = (stepId: string) =>
	progressFrom({registry: '127.0.0.1:5000', registryKind: 'class', vars: {}, completed: [], stats: {}, stepId, finished: false});

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
		expect(JSON.parse(await readFile(store.path, 'utf8'))).toMatchObject({version: 3, lessons: {a: {'127.0.0.1:5000': {stepId: 'login'}}}});
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

	it("three processes saving at once lose nothing: every save lands, and the file ends with each run's last save", async () => {
		const cwd = await tempDir();
		const saves = 60;
		const writer = path.join(cwd, 'writer.ts');
		await writeFile(
			writer,
			[
				`import {openProgressStore, progressFrom} from ${JSON.stringify(path.resolve('src/progress/store.ts'))};`,
				'const [lesson, registry, count, dir] = process.argv.slice(2);',
				'const store = openProgressStore({cwd: dir});',
				'for (let i = 1; i <= Number(count); i++) {',
				`	const run = {registry, registryKind: 'class', vars: {}, completed: [], stats: {}, stepId: 'step-' + i, finished: false};`,
				`	store.save(lesson, progressFrom(run));`,
				'	const seen = openProgressStore({cwd: dir}).get(lesson, registry)?.stepId;',
				`	if (seen !== 'step-' + i) { console.error('lost save ' + i + ' of ' + lesson + ': saw ' + seen); process.exitCode = 1; }`,
				'}',
			].join('\n'),
		);
		// Two lessons, and one lesson on two registries: runs on different registries are saved side by side.
		const writers = [
			['one', 'r.example'],
			['two', 'r.example'],
			['two', 's.example'],
		] as const;
		const results = await Promise.all(
			writers.map(([lesson, registry]) =>
				runCommand({file: process.execPath, args: ['--import', 'tsx', writer, lesson, registry, String(saves), cwd], timeoutMs: 60_000}),
			),
		);
		for (const result of results) expect(result.stderr).toBe('');
		for (const result of results) expect(result.exitCode).toBe(0);
		const file = JSON.parse(await readFile(path.join(cwd, 'progress.json'), 'utf8')) as {
			version: number;
			lessons: Record<string, Record<string, {stepId: string}>>;
		};
		expect(file.version).toBe(3);
		const steps = Object.entries(file.lessons).flatMap(([id, runs]) => Object.entries(runs).map(([registry, run]) => `${id} ${registry} ${run.stepId}`));
		expect(steps.sort()).toEqual(writers.map(([lesson, registry]) => `${lesson} ${registry} step-${saves}`).sort());
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
