import {randomBytes} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DoctorCheck} from '../../src/commands/doctor.js';
import type {PracticeRegistry} from '../../src/registry/practice-registry.js';
import {runCommand} from '../../src/run/run-command.js';
import {requireEngine, tempDockerConfig} from '../helpers/engine.js';
import {startTestRegistry} from '../helpers/registry.js';

// `registry-lab doctor` as a student runs it: the real CLI process, the real docker, a real registry on 127.0.0.1.
// Every run gets a temp DOCKER_CONFIG of its own, so ~/.docker is never read or written.

type Box = Awaited<ReturnType<typeof tempDockerConfig>>;
type Report = {ok: boolean; checks: DoctorCheck[]};

const boxes: Box[] = [];
let registry: PracticeRegistry | undefined;

async function box(configJson?: string): Promise<Box> {
	const made = await tempDockerConfig();
	boxes.push(made);
	if (configJson !== undefined) await writeFile(path.join(made.dir, 'config.json'), configJson);
	return made;
}

const doctor = async (args: string[], env: Record<string, string>) =>
	runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', 'doctor', ...args], env, timeoutMs: 60_000});

async function doctorJson(args: string[], env: Record<string, string>): Promise<{exitCode: number | null; report: Report}> {
	const result = await doctor([...args, '--json'], env);
	// Exactly one JSON object on stdout, nothing else.
	const lines = result.stdout.trim().split('\n');
	expect(lines).toHaveLength(1);
	return {exitCode: result.exitCode, report: JSON.parse(lines[0]!) as Report};
}

const only = (report: Report, id: string): DoctorCheck[] => report.checks.filter(check => check.id === id);

/** A port on 127.0.0.1 that nothing listens on: taken from the system, then given back. */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

beforeAll(async () => {
	await requireEngine();
	registry = await startTestRegistry([{username: 'alice', password: `pw-${randomBytes(9).toString('base64url')}`}]);
});

afterAll(async () => {
	await registry?.stop();
	await Promise.all(boxes.map(async made => made.cleanup()));
});

describe('registry-lab doctor, on a computer that is ready', () => {
	it('--json is one object, every check passes, and the registry is noted as plain HTTP on this computer', async () => {
		const {env} = await box();
		const {exitCode, report} = await doctorJson(['--registry', registry!.host], env);
		expect(exitCode).toBe(0);
		expect(report.ok).toBe(true);
		for (const check of report.checks) {
			expect(Object.keys(check).every(key => ['id', 'status', 'summary', 'fix'].includes(key))).toBe(true);
			expect(['pass', 'warn', 'fail']).toContain(check.status);
			expect(check.summary.length).toBeGreaterThan(0);
		}
		for (const id of ['engine-cli', 'daemon', 'logins', 'registry', 'disk']) {
			expect(only(report, id).map(check => check.status), id).toEqual(['pass']);
		}
		expect(only(report, 'engine-cli')[0]!.summary).toMatch(/docker program is installed \(version \d+\.\d+/);
		expect(only(report, 'daemon')[0]!.summary).toMatch(/server version \d+\.\d+/);
		const [reg] = only(report, 'registry');
		expect(reg!.summary).toContain(registry!.host);
		expect(reg!.summary).toMatch(/\bHTTP\b/);
		expect(reg!.summary).toMatch(/basic login/);
		expect(only(report, 'logins')[0]!.summary).toMatch(/no registry yet/);
		expect(only(report, 'disk')[0]!.summary).toMatch(/\d+(\.\d)? GiB free/);
	});

	it('says which registries you are logged in to, and as whom', async () => {
		const made = await box();
		const login = await runCommand({
			file: 'docker',
			args: ['login', registry!.host, '--username', 'alice', '--password-stdin'],
			stdin: registry!.accounts[0]!.password,
			env: made.env,
			timeoutMs: 60_000,
		});
		expect(login.exitCode, login.stderr).toBe(0);
		const {report} = await doctorJson(['--registry', registry!.host], made.env);
		expect(only(report, 'logins')[0]!.summary).toContain(`${registry!.host} as alice`);
		expect(JSON.stringify(report)).not.toContain(registry!.accounts[0]!.password);
	});

	it('prints one line per check, the fixes under the failures, and a verdict, in words', async () => {
		const {env} = await box();
		const result = await doctor(['--registry', registry!.host], env);
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines.filter(line => line.startsWith('✔ pass')).length).toBeGreaterThanOrEqual(5);
		expect(lines.at(-1)).toBe('Everything is ready for the lesson.');
		expect(result.stdout).not.toMatch(/[{}]|undefined|null/);
		expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
	});
});

describe('registry-lab doctor, when something is wrong', () => {
	it('a DOCKER_HOST that leads nowhere: the daemon fails with a fix, exit 1', async () => {
		const {env} = await box();
		const {exitCode, report} = await doctorJson(['--registry', registry!.host], {...env, DOCKER_HOST: 'unix:///tmp/registry-lab-nope.sock'});
		expect(exitCode).toBe(1);
		expect(report.ok).toBe(false);
		expect(only(report, 'engine-cli')[0]!.status).toBe('pass');
		const [daemon] = only(report, 'daemon');
		expect(daemon!.status).toBe('fail');
		expect(daemon!.summary).toMatch(/not running|cannot be reached/);
		expect(daemon!.fix).toMatch(/DOCKER_HOST/);
		expect(daemon!.fix).toContain('/tmp/registry-lab-nope.sock');
		// The checks that do not need the daemon still run.
		expect(only(report, 'registry')[0]!.status).toBe('pass');
		expect(only(report, 'disk')[0]!.status).toBe('pass');
	});

	it('a registry port where nothing listens: the registry fails (connection refused), exit 1', async () => {
		const {env} = await box();
		const port = await closedPort();
		const {exitCode, report} = await doctorJson(['--registry', `127.0.0.1:${port}`], env);
		expect(exitCode).toBe(1);
		const [reg] = only(report, 'registry');
		expect(reg!.status).toBe('fail');
		expect(reg!.summary).toMatch(/Nothing answered at 127\.0\.0\.1:\d+ \(connection refused\)/);
		expect(reg!.fix).toMatch(/running/);
	});

	it('--registry 127.0.0.1:1: the registry fails and says why port 1 cannot be checked', async () => {
		const {env} = await box();
		const {exitCode, report} = await doctorJson(['--registry', '127.0.0.1:1'], env);
		expect(exitCode).toBe(1);
		const [reg] = only(report, 'registry');
		expect(reg!.status).toBe('fail');
		expect(reg!.summary).toContain('127.0.0.1:1');
		expect(reg!.summary).not.toMatch(/: bad port$/);
	});

	it('a credsStore program that is not installed: a failing cred-helper line that names it', async () => {
		const {env, dir} = await box('{"auths": {}, "credsStore": "nosuchhelper"}\n');
		const {exitCode, report} = await doctorJson(['--registry', registry!.host], env);
		expect(exitCode).toBe(1);
		const helpers = only(report, 'cred-helper');
		expect(helpers).toHaveLength(1);
		expect(helpers[0]!.status).toBe('fail');
		expect(helpers[0]!.summary).toContain('docker-credential-nosuchhelper');
		expect(helpers[0]!.fix).toContain('docker-credential-nosuchhelper');
		expect(helpers[0]!.fix).toContain(path.join(dir, 'config.json'));
		// No "pass" line claiming the logins were read when they could not be.
		expect(only(report, 'logins').filter(check => check.status === 'pass')).toEqual([]);
	});

	it('a credHelpers entry whose program is missing fails for that registry only', async () => {
		const {env} = await box('{"auths": {}, "credHelpers": {"registry.example": "nosuchhelper"}}\n');
		const {exitCode, report} = await doctorJson(['--registry', registry!.host], env);
		expect(exitCode).toBe(1);
		expect(only(report, 'logins')[0]!.status).toBe('pass');
		const [helper] = only(report, 'cred-helper');
		expect(helper!.status).toBe('fail');
		expect(helper!.summary).toContain('docker-credential-nosuchhelper');
		expect(helper!.summary).toContain('registry.example');
	});

	it('a corrupt config.json: one failing logins line that names the file', async () => {
		const {env, dir} = await box('{"auths": {"127.0.0.1:5000": ');
		const {exitCode, report} = await doctorJson(['--registry', registry!.host], env);
		expect(exitCode).toBe(1);
		const logins = only(report, 'logins');
		expect(logins).toHaveLength(1);
		expect(logins[0]!.status).toBe('fail');
		expect(logins[0]!.summary).toContain(path.join(dir, 'config.json'));
		expect(logins[0]!.summary).toMatch(/not valid JSON/);
		expect(logins[0]!.fix).toMatch(/log in again/);
	});

	it('the human output shows each failure with its fix under it and counts the problems', async () => {
		const {env} = await box('{"auths": {}, "credsStore": "nosuchhelper"}\n');
		const result = await doctor(['--registry', registry!.host], {...env, DOCKER_HOST: 'unix:///tmp/registry-lab-nope.sock'});
		expect(result.exitCode).toBe(1);
		const lines = result.stdout.trimEnd().split('\n');
		const failures = lines.flatMap((line, index) => (line.startsWith('✘ FAIL') ? [index] : []));
		expect(failures).toHaveLength(2);
		for (const index of failures) expect(lines[index + 1]).toMatch(/^ {8}fix: \S/);
		expect(lines.at(-1)).toMatch(/^2 problems to fix/);
	});
});

describe('registry-lab doctor, bad usage (exit 2)', () => {
	it.each([
		[['--registry', 'http://x'], /Leave out the http:\/\//],
		[['--registry'], /--registry needs a value after it/],
		[['--engine', 'rocket'], /docker or podman/],
		[['--nope'], /nope/],
		[['extra'], /unexpected argument 'extra'/],
	])('%j', async (args, said) => {
		const {env} = await box();
		const result = await doctor(args, env);
		expect(result.exitCode).toBe(2);
		expect(`${result.stdout}${result.stderr}`).toMatch(said);
		expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
	});
});
