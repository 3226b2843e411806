import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isAcceptedName, maxRosterBytes, nameProblem, parseRoster, readRoster, type RosterResult} from '../../src/class/roster.js';
import type {ClassKind} from '../../src/class/class-types.js';
import {validateInput} from '../../src/container/validate-input.js';

const fixture = (name: string) => path.join('test/fixtures/rosters', name);
const names = (result: RosterResult) => (result.ok ? result.entries.map(entry => entry.name) : result.problems);
const problems = (result: RosterResult): readonly string[] => {
	if (result.ok) throw new Error(`expected the roster to be refused, it gave ${result.entries.map(entry => entry.name).join(', ')}`);
	return result.problems;
};

/** Every name a message offers ('use X', 'name this one X', 'is it X?'). */
const suggestions = (message: string) => [...message.matchAll(/(?:use|name this one|is it) '([^']+)'/g)].map(match => match[1]!);

let temp: string;
beforeAll(async () => {
	temp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-roster-'));
});
afterAll(async () => {
	await rm(temp, {recursive: true, force: true});
});

describe('a plain roster', () => {
	it('is one name per line; blank lines and # comments are skipped, spaces around a name dropped, lines kept', async () => {
		const read = await readRoster(fixture('plain.txt'), 'registry');
		expect(read).toEqual({
			ok: true,
			entries: [
				{name: 'ana', line: 2},
				{name: 'bob', line: 4},
				{name: 'carla', line: 5},
				{name: 'dan', line: 7},
			],
		});
	});

	it('names EVERY bad line with FILE:LINE and a name that would do', async () => {
		const file = fixture('bad.txt');
		expect(problems(await readRoster(file, 'registry'))).toEqual([
			`${file}:2: 'Ana Maria' cannot be a username in image names; use 'ana-maria'.`,
			`${file}:4: 'José' cannot be a username in image names; use 'jose'.`,
			`${file}:5: 'ana' is already on line 1; remove one, or name this one 'ana-2'.`,
			`${file}:6: 'instructor' is the instructor's own account (reserved); use 'instructor2'.`,
			`${file}:7: 'Bob' is already on line 3 as 'bob' (image names are lowercase, so they would be the same); remove one, or name this one 'bob-2'.`,
		]);
	});

	it('reads CRLF line ends and a byte order mark', () => {
		expect(names(parseRoster('\uFEFFana\r\nbob\r\n', 'r.txt', 'registry'))).toEqual(['ana', 'bob']);
	});

	it('refuses an empty roster, and one of only comments', () => {
		expect(problems(parseRoster('', 'roster.txt', 'registry'))).toEqual(['roster.txt: there are no students in it. Write one name per line.']);
		expect(problems(parseRoster('# nobody yet\n\n', 'roster.txt', 'registry'))).toHaveLength(1);
	});

	it('refuses a missing file, a folder and a file over 1 MB, saying which', async () => {
		expect(problems(await readRoster(path.join(temp, 'nope.txt'), 'registry'))[0]).toMatch(/nope\.txt: there is no such file/);
		expect(problems(await readRoster(temp, 'registry'))[0]).toMatch(/is a folder, not a roster/);
		const big = path.join(temp, 'big.txt');
		await writeFile(big, 'a\n'.repeat(maxRosterBytes / 2 + 1));
		expect(problems(await readRoster(big, 'registry'))[0]).toMatch(/big\.txt is larger than 1 MB/);
	});

	it('refuses a name too long for an image name, offering a shorter one', () => {
		const long = 'a'.repeat(80);
		const [problem] = problems(parseRoster(`${long}\n`, 'r.txt', 'registry'));
		expect(problem).toMatch(/^r\.txt:1: 'a{40}…' is longer than 64 characters/);
		for (const name of suggestions(problem!)) expect(isAcceptedName(name, 'registry')).toBe(true);
	});
});

describe('a CSV roster', () => {
	it('takes the username column (any case), handles quoted fields with commas and quotes, ignores other columns', async () => {
		expect(names(await readRoster(fixture('students.csv'), 'registry'))).toEqual(['ana', 'bob', 'carla']);
	});

	it('takes the name column when there is no username column, and names empty lines and empty names', async () => {
		const file = fixture('empty-lines.csv');
		expect(problems(await readRoster(file, 'registry'))).toEqual([
			`${file}:3: an empty line; remove it (a CSV roster has one student per row).`,
			`${file}:5: the name column is empty; fill it in or remove the row.`,
		]);
		expect(names(parseRoster('Name,Email\nana,a@x\n', 'r.csv', 'registry', true))).toEqual(['ana']);
	});

	it('refuses a CSV without a username or name column, saying which header it has', async () => {
		const file = fixture('no-column.csv');
		expect(problems(await readRoster(file, 'registry'))).toEqual([
			`${file}:1: there is no username or name column (the header is: first, last, email). Add a column named username.`,
		]);
	});

	it('is recognised by its header even when the file is not named .csv', () => {
		expect(names(parseRoster('email,username\na@x,ana\n"b,x",bob\n', 'roster.txt', 'registry'))).toEqual(['ana', 'bob']);
	});

	it('counts lines through a quoted line break, and names an unclosed quote', () => {
		const refused = problems(parseRoster('username,note\nana,"two\nlines"\nAna B,x\n', 'r.csv', 'registry', true));
		expect(refused).toEqual([`r.csv:4: 'Ana B' cannot be a username in image names; use 'ana-b'.`]);
		expect(problems(parseRoster('username\n"ana\nbob\n', 'r.csv', 'registry', true))).toEqual([
			'r.csv:2: a quoted field is not closed (a " is missing); close it.',
		]);
	});

	it('refuses a CSV with a header and no students', () => {
		expect(problems(parseRoster('username\n', 'r.csv', 'registry', true))[0]).toMatch(/^r\.csv: there are no students in it/);
	});
});

describe('a Docker Hub roster', () => {
	it('holds Docker Hub usernames: lowercase letters and digits, 4 to 30; duplicates compared without case', async () => {
		const file = fixture('hub.txt');
		expect(problems(await readRoster(file, 'hub'))).toEqual([
			`${file}:2: 'BobSmith' cannot be a Docker Hub username (a Docker Hub username is 4 to 30 lowercase letters and digits); is it 'bobsmith'?`,
			// 'bobsmith' is what line 2 stands for: not offered twice.
			`${file}:3: 'bob.smith' cannot be a Docker Hub username (a Docker Hub username is 4 to 30 lowercase letters and digits); ` +
				'ask the student for their Docker ID (shown at the top right of hub.docker.com).',
			`${file}:4: 'abc' cannot be a Docker Hub username (a Docker Hub username is 4 to 30 lowercase letters and digits); ` +
				'ask the student for their Docker ID (shown at the top right of hub.docker.com).',
		]);
		expect(problems(parseRoster('alice2024\nALICE2024\n', 'h.txt', 'hub'))[0]).toMatch(/^h\.txt:2: 'ALICE2024' is already on line 1 as 'alice2024'/);
		expect(names(parseRoster('alice2024\nbob-smith-is-not-here\n# x\nzoe12345\n', 'h.txt', 'hub'))).toHaveLength(1);
	});
});

describe('every suggestion is a name the class accepts', () => {
	const awkward = [
		'Ana Maria',
		'José Núñez',
		'-ana-',
		'ana..b',
		'a___b',
		'Ana',
		'Ana_',
		'__',
		'!!!',
		'日本',
		'ana@example.com',
		'x/y',
		'INSTRUCTOR',
		'Bob Smith Jr.',
		'ab',
	];

	it.each(['registry', 'hub'] as ClassKind[])('%s class: each offered name passes the same check (and the lesson’s username check)', kind => {
		for (const name of awkward) {
			const problem = nameProblem(name, kind, new Set([name.toLowerCase(), 'ana-maria']));
			if (name === 'ab' && kind === 'registry') {
				expect(problem).toBeUndefined();
				continue;
			}
			expect(problem, name).toBeDefined();
			expect(problem, name).toMatch(kind === 'hub' ? /is it|ask the student|ask them/ : /use '/);
			for (const offered of suggestions(problem!)) {
				expect(isAcceptedName(offered, kind), `${name} → ${offered}`).toBe(true);
				expect(offered, name).not.toBe('ana-maria');
				expect(validateInput(kind === 'hub' ? 'hub-username' : 'username', offered), `${name} → ${offered}`).toBeNull();
			}
		}
	});

	it('a fine name has no problem', () => {
		expect(nameProblem('ana-maria', 'registry', new Set())).toBeUndefined();
		expect(nameProblem('a__b.c-d', 'registry', new Set())).toBeUndefined();
		expect(nameProblem('anamaria', 'hub', new Set())).toBeUndefined();
	});
});
