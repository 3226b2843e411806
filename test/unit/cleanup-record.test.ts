import {lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {engineVerb} from '../../src/driver/services.js';
import {madeFileName, madeLimit, readMade, recordMade, writeMade, type Made} from '../../src/progress/made-by-lab.js';
import {loginStorage} from '../../src/text/login-storage.js';
import {endOfRun} from '../../src/text/summary.js';
import {registryLesson} from '../helpers/lesson.js';
import {startRun} from '../../src/lesson-run/lesson-run.js';
import {labVars} from '../../src/driver/lab-vars.js';
import {stepsFor} from '../../src/lesson/steps.js';

const homes: string[] = [];
const home = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-made-'));
	homes.push(dir);
	return dir;
};
afterEach(() => {
	for (const dir of homes.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const at = '2026-01-01T00:00:00.000Z';
const tag = (reference: string, imageId = `sha256:${'a'.repeat(64)}`): Made => ({kind: 'tag', engine: 'docker', reference, imageId, at});

describe('the record of what the lab made', () => {
	it('is private, read back as written, and a thing made again replaces its earlier record', () => {
		const dir = home();
		recordMade(tag('127.0.0.1:5000/student/app:1.0'), dir);
		recordMade(tag('127.0.0.1:5000/student/app:1.0', `sha256:${'b'.repeat(64)}`), dir);
		recordMade({kind: 'pull', engine: 'docker', reference: 'alpine:3.20', imageId: `sha256:${'c'.repeat(64)}`, at}, dir);
		const file = path.join(dir, madeFileName);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const read = readMade(dir);
		expect(read.kind === 'ok' && read.made.map(thing => [thing.kind, 'imageId' in thing ? thing.imageId.slice(7, 8) : ''])).toEqual([
			['tag', 'b'],
			['pull', 'c'],
		]);
	});

	it('a second login to a host keeps whether the first replaced a login the lab did not make', () => {
		const dir = home();
		recordMade({kind: 'login', engine: 'docker', registry: 'registry.school.example', replaced: false, at}, dir);
		// The second time, the login that was there was the lab's own.
		recordMade({kind: 'login', engine: 'docker', registry: 'registry.school.example', replaced: true, at}, dir);
		const read = readMade(dir);
		expect(read.kind === 'ok' && read.made).toEqual([{kind: 'login', engine: 'docker', registry: 'registry.school.example', replaced: false, at}]);
	});

	it('is bounded: the oldest go first', () => {
		const dir = home();
		writeMade(
			Array.from({length: madeLimit}, (_, index) => tag(`app:${index}`)),
			dir,
		);
		recordMade(tag('app:new'), dir);
		const read = readMade(dir);
		expect(read.kind === 'ok' && read.made.length).toBe(madeLimit);
		expect(read.kind === 'ok' && [read.made[0], read.made.at(-1)].map(thing => (thing && 'reference' in thing ? thing.reference : ''))).toEqual([
			'app:1',
			'app:new',
		]);
	});

	it('a file that is not what the lab writes is refused, never guessed at, and never written over', () => {
		const dir = home();
		const file = path.join(dir, madeFileName);
		for (const text of ['not json', '{"version": 2, "made": []}', '{"version": 1, "made": [{"kind": "tag", "engine": "docker", "reference": ""}]}']) {
			writeFileSync(file, text);
			expect(readMade(dir)).toMatchObject({kind: 'unreadable'});
			expect(() => recordMade(tag('app:1'), dir)).toThrow(/left as it is/);
			expect(readFileSync(file, 'utf8')).toBe(text);
		}
		writeFileSync(file, `{"version": 1, "made": []}${' '.repeat(300 * 1024)}`);
		expect(readMade(dir)).toMatchObject({kind: 'unreadable', why: expect.stringMatching(/larger than registry-lab ever writes/) as string});
		rmSync(file);
		const elsewhere = path.join(dir, 'elsewhere.json');
		writeFileSync(elsewhere, '{"version": 1, "made": []}');
		symlinkSync(elsewhere, file);
		expect(readMade(dir)).toMatchObject({kind: 'unreadable', why: expect.stringMatching(/symbolic link/) as string});
		expect(lstatSync(file).isSymbolicLink()).toBe(true);
	});

	it('with nothing in it, the file goes', () => {
		const dir = home();
		recordMade(tag('app:1'), dir);
		writeMade([], dir);
		expect(readMade(dir)).toEqual({kind: 'missing'});
	});
});

describe('what a command makes is found by its verb and names, options left out', () => {
	it.each([
		[['tag', 'my-app', '127.0.0.1:5000/alice/app:1.0'], 'tag', ['my-app', '127.0.0.1:5000/alice/app:1.0']],
		[['image', 'tag', 'my-app', 'alice/app:1.0'], 'tag', ['my-app', 'alice/app:1.0']],
		[['pull', '--quiet', 'alpine:3.20'], 'pull', ['alpine:3.20']],
		[['login', '127.0.0.1:5000', '--username', 'student', '--password-stdin'], 'login', ['127.0.0.1:5000']],
		[['login', '', '--username', 'student', '--password-stdin'], 'login', []],
		[['login', '-u', 'student', '--password-stdin', 'registry.school.example'], 'login', ['registry.school.example']],
		[['push', '--', 'alice/app:1.0'], 'push', ['alice/app:1.0']],
	])('%j', (args, verb, names) => {
		expect(engineVerb(args)).toEqual({verb, names});
	});
});

describe('where a login is kept, in the last words', () => {
	it('a login in the config file is unencrypted; a helper names its program and where it keeps passwords', () => {
		expect(loginStorage({kind: 'file'}, '/home/sam/.docker/config.json')).toBe(
			'kept in /home/sam/.docker/config.json, unencrypted (only base64: anyone who can read that file can read the password)',
		);
		expect(loginStorage({kind: 'helper', helper: 'secretservice', program: 'docker-credential-secretservice'}, '/home/sam/.docker/config.json')).toBe(
			'kept by docker-credential-secretservice (your keyring), not in /home/sam/.docker/config.json',
		);
	});

	it('a finished lesson that made something names the store and the command that removes it', async () => {
		const lesson = await registryLesson();
		const choice = {kind: 'class', host: '127.0.0.1:5000'} as const;
		const state = startRun(lesson, 'class', labVars(choice, '127.0.0.1:5000', 'docker'), {completed: stepsFor(lesson, 'class').map(step => step.id)});
		const made = {loginStorage: loginStorage({kind: 'file'}, '/home/sam/.docker/config.json')};
		const words = endOfRun({finished: true, state, made});
		expect(words).toContain(
			'Your login is kept in /home/sam/.docker/config.json, unencrypted (only base64: anyone who can read that file can read the password).',
		);
		expect(words.slice(-2)).toEqual([
			'To remove what this lesson made on this computer (its tags, the images it pulled, the login it stored), run:',
			'  registry-lab cleanup',
		]);
		// A run that made nothing here has nothing to clean up.
		expect(endOfRun({finished: true, state}).join('\n')).not.toContain('registry-lab cleanup');
	});
});
