import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {main} from '../../src/cli.js';
import {machineAddress, writeAll} from '../../src/class/class-folder.js';
import {readAccounts, readClassConfig} from '../../src/class/class-config-file.js';
import {freePort} from '../helpers/class-cli.js';

/** The real CLI in this process: exit code, and what it printed on stdout and stderr. */
async function cli(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const out = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
		stdout += String(chunk);
		return true;
	});
	const err = vi.spyOn(process.stderr, 'write').mockImplementation(chunk => {
		stderr += String(chunk);
		return true;
	});
	try {
		const code = await main(args);
		return {code, stdout, stderr};
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

let temp: string;
let count = 0;
/** A new class folder's path (not made yet) and a roster file with these lines. */
async function setUp(lines: string[], rosterName = 'roster.txt'): Promise<{dir: string; roster: string}> {
	count += 1;
	const base = path.join(temp, `case-${count}`);
	await mkdir(base);
	const roster = path.join(base, rosterName);
	await writeFile(roster, `${lines.join('\n')}\n`);
	return {dir: path.join(base, 'period-3'), roster};
}

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8');
const mode = async (file: string) => (await stat(file)).mode & 0o777;
async function accounts(dir: string) {
	const result = await readAccounts(dir);
	if (!result.ok) throw new Error(result.problem);
	return result.value;
}
async function config(dir: string) {
	const result = await readClassConfig(dir);
	if (!result.ok) throw new Error(result.problem);
	return result.value;
}
/** username → bcrypt hash, from htpasswd. */
async function hashes(dir: string): Promise<Map<string, string>> {
	const lines = (await read(dir, 'htpasswd')).split('\n').filter(Boolean);
	return new Map(lines.map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
}

beforeAll(async () => {
	temp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-folder-'));
});
afterAll(async () => {
	await rm(temp, {recursive: true, force: true});
});
afterEach(() => {
	vi.restoreAllMocks();
});

describe('class init', () => {
	it('makes a private class folder: an account per student, the sheet, registry.yml, class.json; no password on screen', async () => {
		const {dir, roster} = await setUp(['ana', 'bob', 'carla']);
		const run = await cli('class', 'init', '--roster', roster, '--dir', dir, '--address', '10.1.2.3');
		expect(run.code).toBe(0);
		expect(run.stderr).toBe('');

		expect(await mode(dir)).toBe(0o700);
		expect(await mode(path.join(dir, 'storage'))).toBe(0o700);
		const files = (await readdir(dir)).filter(file => file !== 'storage').sort();
		expect(files).toEqual(['accounts.csv', 'accounts.md', 'class.json', 'htpasswd', 'registry.yml']);
		for (const file of files) expect(await mode(path.join(dir, file)), file).toBe(0o600);

		const students = await accounts(dir);
		expect(students.map(account => account.username)).toEqual(['ana', 'bob', 'carla']);
		expect((await read(dir, 'accounts.csv')).split('\n')[0]).toBe('username,password');
		const settings = await config(dir);
		expect(settings).toMatchObject({
			version: 1,
			kind: 'registry',
			name: 'period-3',
			lesson: 'registries',
			address: '10.1.2.3',
			bind: '0.0.0.0',
			port: 5000,
			listenerPort: 5001,
			tls: false,
		});
		for (const secret of [settings.notifySecret, settings.httpSecret]) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

		// Every account, the instructor's too, logs in with its password; the instructor is never on the sheet or in accounts.csv.
		const hashed = await hashes(dir);
		expect([...hashed.keys()]).toEqual(['instructor', 'ana', 'bob', 'carla']);
		expect(bcrypt.compareSync(settings.instructorPassword, hashed.get('instructor')!)).toBe(true);
		for (const {username, password} of students) {
			expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
			expect(bcrypt.compareSync(password, hashed.get(username)!)).toBe(true);
		}
		const sheet = await read(dir, 'accounts.md');
		const csv = await read(dir, 'accounts.csv');
		for (const text of [sheet, csv]) {
			expect(text).not.toMatch(/instructor/);
			expect(text).not.toContain(settings.instructorPassword);
		}

		// One slip per student, cut apart by rules, each with the class, its address, the account and the one line to type.
		const slips = sheet.split(/\n---\n/).slice(1, -1);
		expect(slips).toHaveLength(3);
		for (const [index, {username, password}] of students.entries()) {
			const slip = slips[index]!;
			expect(slip).toContain('period-3');
			expect(slip).toContain('10.1.2.3:5001');
			expect(slip).toContain(`\`${username}\``);
			expect(slip).toContain(`\`${password}\``);
			expect(slip).toContain('npx registry-lab --class 10.1.2.3:5001');
		}

		const yml = await read(dir, 'registry.yml');
		expect(yml).toContain(`rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`);
		expect(yml).toContain(`path: ${JSON.stringify(path.join(dir, 'htpasswd'))}`);
		expect(yml).toContain('url: "http://127.0.0.1:5001/events"');
		expect(yml).toContain(`Authorization: ["Bearer ${settings.notifySecret}"]`);
		expect(yml).toContain('addr: "0.0.0.0:5000"');

		for (const {password} of students) expect(run.stdout).not.toContain(password);
		expect(run.stdout).not.toContain(settings.instructorPassword);
		expect(run.stdout).toMatch(/Added 3 students: ana, bob, carla\./);
		expect(run.stdout).toMatch(/passwords are in accounts\.md .* and accounts\.csv \(private\)/);
		expect(run.stdout).toContain('Students type: npx registry-lab --class 10.1.2.3:5001');
		expect(run.stdout).toContain(`Next: registry-lab class up --dir ${dir}`);
	});

	it('run again with a longer roster, adds the new students and keeps every password and secret; one left off is kept and named', async () => {
		const {dir, roster} = await setUp(['ana', 'bob', 'carla']);
		expect((await cli('class', 'init', '--roster', roster, '--dir', dir, '--address', '10.1.2.3')).code).toBe(0);
		const before = {accounts: await accounts(dir), config: await config(dir), htpasswd: await hashes(dir)};
		await writeFile(roster, 'ana\ncarla\ndan\neve\n');
		const again = await cli('class', 'init', '--roster', roster, '--dir', dir, '--port', '6000');
		expect(again.code).toBe(0);
		expect(again.stdout).toMatch(/Added 2 students: dan, eve; kept 3 with their passwords\./);
		expect(again.stdout).toMatch(/Not on the roster but still in the class: bob \(registry-lab class remove NAME --dir .* removes one\)/);
		const after = await accounts(dir);
		expect(after.map(account => account.username)).toEqual(['ana', 'bob', 'carla', 'dan', 'eve']);
		expect(after.slice(0, 3)).toEqual(before.accounts);
		const settings = await config(dir);
		expect(settings).toEqual({...before.config, port: 6000});
		const hashed = await hashes(dir);
		for (const {username, password} of after) expect(bcrypt.compareSync(password, hashed.get(username)!), username).toBe(true);
		expect((await read(dir, 'accounts.md')).match(/npx registry-lab --class 10\.1\.2\.3:5001/g)).toHaveLength(5);
	});

	it('refuses a bad roster with every bad line, writes nothing, exit 1; text from the roster is shown, never obeyed', async () => {
		const {dir, roster} = await setUp(['ana', 'Ana Maria', 'bob', 'ana', 'evil\u001b]0;x\u0007']);
		const run = await cli('class', 'init', '--roster', roster, '--dir', dir);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain(`${roster}:2: 'Ana Maria' cannot be a username in image names; use 'ana-maria'.`);
		expect(run.stderr).toContain(`${roster}:4: 'ana' is already on line 1`);
		expect(run.stderr).toContain(`${roster}:5: 'evil␛]0;x␇' cannot be a username`);
		expect(run.stderr).toContain('Nothing was written.');
		expect(run.stderr).not.toContain('\u001b');
		await expect(stat(dir)).rejects.toThrow();
	});

	it('a refused re-run leaves the class as it was', async () => {
		const {dir, roster} = await setUp(['ana']);
		expect((await cli('class', 'init', '--roster', roster, '--dir', dir, '--address', '10.1.2.3')).code).toBe(0);
		const before = await Promise.all(['accounts.csv', 'accounts.md', 'class.json', 'htpasswd'].map(file => read(dir, file)));
		await writeFile(roster, 'ana\nBob\n');
		expect((await cli('class', 'init', '--roster', roster, '--dir', dir)).code).toBe(1);
		expect(await Promise.all(['accounts.csv', 'accounts.md', 'class.json', 'htpasswd'].map(file => read(dir, file)))).toEqual(before);
	});

	it('--hub: join codes instead of passwords, Docker Hub usernames, no registry.yml', async () => {
		const {dir, roster} = await setUp(['alice2024', 'bobsmith']);
		const run = await cli('class', 'init', '--roster', roster, '--dir', dir, '--hub', '--address', 'class.example.org', '--name', 'Period 3');
		expect(run.code).toBe(0);
		expect((await readdir(dir)).sort()).toEqual(['accounts.csv', 'accounts.md', 'class.json', 'htpasswd']);
		expect((await read(dir, 'accounts.csv')).split('\n')[0]).toBe('username,join code');
		const settings = await config(dir);
		expect(settings).toMatchObject({kind: 'hub', name: 'Period 3'});
		const hashed = await hashes(dir);
		const sheet = await read(dir, 'accounts.md');
		for (const {username, password} of await accounts(dir)) {
			expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}$/);
			expect(bcrypt.compareSync(password, hashed.get(username)!)).toBe(true);
			expect(sheet).toContain(`join code: \`${password}\``);
			expect(run.stdout).not.toContain(password);
		}
		expect(sheet).toContain('npx registry-lab --class class.example.org:5001');
		expect(run.stdout).toMatch(/join codes are in accounts\.md/);
		const hubRefused = await cli('class', 'init', '--roster', roster, '--dir', dir);
		expect(hubRefused.code).toBe(1);
		expect(hubRefused.stderr).toMatch(/already a Docker Hub class .* Add --hub/);
	});

	it('warns when this machine has no address other machines can reach', () => {
		expect(machineAddress({})).toMatchObject({address: '127.0.0.1', warning: expect.stringMatching(/works on this machine only.*--address/) as string});
		const lo = {address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: null} as const;
		const eth = {...lo, address: '192.168.1.20', internal: false} as const;
		const v6 = {...lo, address: 'fe80::1', family: 'IPv6', internal: false, scopeid: 0} as const;
		expect(machineAddress({lo: [lo], eth0: [v6, eth]})).toEqual({address: '192.168.1.20'});
	});

	it.each([
		[[], /give the list of students with --roster FILE/],
		[['--roster', 'r.txt', '--port', '70000'], /--port must be a port number \(1-65535\), not '70000'/],
		[['--roster', 'r.txt', '--listener-port', 'x'], /--listener-port must be a port number/],
		[['--roster', 'r.txt', '--lesson', 'nope'], /--lesson: there is no lesson 'nope'/],
		[['--roster', 'r.txt', '--lesson', 'my/lesson.yaml'], /--lesson must name a lesson that ships with registry-lab \(registries, versions\)/],
		[['--roster', 'r.txt', '--address', 'http://x/'], /--address must be a host name or IP address/],
		[['--roster', 'r.txt', 'extra'], /unexpected 'extra'/],
	])('bad usage %j exits 2 and says why', async (args, message) => {
		const run = await cli('class', 'init', ...args, '--dir', path.join(temp, 'never'));
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(message);
		await expect(stat(path.join(temp, 'never'))).rejects.toThrow();
	});

	it('refuses the same port for the registry and the listener (exit 1)', async () => {
		const {dir, roster} = await setUp(['ana']);
		const run = await cli('class', 'init', '--roster', roster, '--dir', dir, '--port', '5001');
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/cannot both use port 5001/);
	});

	it('--help lists every option and the exit codes', async () => {
		const run = await cli('class', 'init', '--help');
		expect(run.code).toBe(0);
		for (const option of ['--roster', '--dir', '--address', '--port', '--listener-port', '--name', '--lesson', '--hub', 'Exit codes', 'Examples']) {
			expect(run.stdout).toContain(option);
		}
	});
});

describe('class add, password, remove', () => {
	async function made(lines = ['ana', 'bob']) {
		const {dir, roster} = await setUp(lines);
		expect((await cli('class', 'init', '--roster', roster, '--dir', dir, '--address', '10.1.2.3')).code).toBe(0);
		return dir;
	}

	it('add: a new account with its slip; a name in the class or one that cannot be a username is refused (exit 1)', async () => {
		const dir = await made();
		const run = await cli('class', 'add', 'dana', '--dir', dir);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Added dana to the class period-3 \(3 students now\)/);
		const all = await accounts(dir);
		const dana = all.find(account => account.username === 'dana')!;
		expect(run.stdout).not.toContain(dana.password);
		expect(bcrypt.compareSync(dana.password, (await hashes(dir)).get('dana')!)).toBe(true);
		expect((await read(dir, 'accounts.md')).split(/\n---\n/).at(-2)).toContain(`\`${dana.password}\``);
		expect(await mode(path.join(dir, 'accounts.md'))).toBe(0o600);

		const taken = await cli('class', 'add', 'Ana', '--dir', dir);
		expect(taken.code).toBe(1);
		expect(taken.stderr).toMatch(/'Ana' is already in the class as 'ana'/);
		const bad = await cli('class', 'add', 'Ana Maria', '--dir', dir);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("'Ana Maria' cannot be a username in image names; use 'ana-maria'.");
		const reserved = await cli('class', 'add', 'instructor', '--dir', dir);
		expect(reserved.code).toBe(1);
		expect((await accounts(dir)).map(account => account.username)).toEqual(['ana', 'bob', 'dana']);
		expect((await cli('class', 'add', '--dir', dir)).code).toBe(2);
	});

	it('password: prints the one new password; the old one stops working everywhere', async () => {
		const dir = await made();
		const old = (await accounts(dir)).find(account => account.username === 'bob')!.password;
		const run = await cli('class', 'password', 'bob', '--dir', dir);
		expect(run.code).toBe(0);
		const fresh = (await accounts(dir)).find(account => account.username === 'bob')!.password;
		expect(fresh).not.toBe(old);
		expect(run.stdout).toContain(`New password for bob: ${fresh}`);
		expect(run.stdout.split(fresh)).toHaveLength(2);
		const hash = (await hashes(dir)).get('bob')!;
		expect(bcrypt.compareSync(fresh, hash)).toBe(true);
		expect(bcrypt.compareSync(old, hash)).toBe(false);
		const sheet = await read(dir, 'accounts.md');
		expect(sheet).toContain(fresh);
		expect(sheet).not.toContain(old);

		const unknown = await cli('class', 'password', 'bbo', '--dir', dir);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/there is no student 'bbo' in the class \(did you mean bob\?\)/);
	});

	it('remove: the account leaves htpasswd, accounts.csv and the sheet; images stay without --purge', async () => {
		const dir = await made(['ana', 'bob', 'carla']);
		const bob = (await accounts(dir)).find(account => account.username === 'bob')!;
		const run = await cli('class', 'remove', 'bob', '--dir', dir);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Removed bob from the class period-3/);
		expect(run.stdout).toMatch(/images stay in the class registry \(--purge deletes them\)/);
		expect((await accounts(dir)).map(account => account.username)).toEqual(['ana', 'carla']);
		expect([...(await hashes(dir)).keys()]).toEqual(['instructor', 'ana', 'carla']);
		const sheet = await read(dir, 'accounts.md');
		expect(sheet).not.toContain('`bob`');
		expect(sheet).not.toContain(bob.password);

		const unknown = await cli('class', 'remove', 'karla', '--dir', dir);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toMatch(/there is no student 'karla' in the class \(did you mean carla\?\)/);
	});

	it('remove --purge while the class registry does not answer: refused before anything changes', async () => {
		const dir = await made();
		const free = await freePort();
		const {roster} = await setUp(['ana', 'bob']);
		expect((await cli('class', 'init', '--roster', roster, '--dir', dir, '--port', String(free))).code).toBe(0);
		const before = await Promise.all(['accounts.csv', 'accounts.md', 'htpasswd'].map(file => read(dir, file)));
		const run = await cli('class', 'remove', 'bob', '--purge', '--dir', dir);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(new RegExp(`the class registry at 127\\.0\\.0\\.1:${free} does not answer.*run registry-lab class up --dir .* first`));
		expect(run.stderr).toContain('Nothing was changed.');
		expect(await Promise.all(['accounts.csv', 'accounts.md', 'htpasswd'].map(file => read(dir, file)))).toEqual(before);
	});

	it('a folder that is not a class folder is named, with what to do (exit 1)', async () => {
		const run = await cli('class', 'add', 'dana', '--dir', temp);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/is not a class folder: run registry-lab class init --roster FILE first/);
	});
});

describe('writing the folder', () => {
	it('a failure before every file is written leaves each old file as it was, and no temp file', async () => {
		const dir = await mkdtemp(path.join(temp, 'write-'));
		await writeFile(path.join(dir, 'htpasswd'), 'old\n');
		await expect(writeAll(dir, {htpasswd: 'new\n', 'missing/accounts.csv': 'x'})).rejects.toThrow();
		expect(await readFile(path.join(dir, 'htpasswd'), 'utf8')).toBe('old\n');
		expect(await readdir(dir)).toEqual(['htpasswd']);
	});
});
