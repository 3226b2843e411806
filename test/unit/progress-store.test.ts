import {mkdtemp, readFile, readdir, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {openProgressStore, progressFrom} from '../../src/progress/store.js';

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
