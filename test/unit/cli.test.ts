import {describe, expect, it} from 'vitest';
import {runCommand} from '../../src/run/run-command.js';

/** The real CLI, run from source the way `npm start` does. */
const cli = (args: string[], options: {stdin?: string; env?: Record<string, string>} = {}) =>
	runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', ...args], timeoutMs: 30_000, ...options});

describe('registry-lab explain', () => {
	it('--json prints exactly one object and exits 0 for a valid name', async () => {
		const result = await cli(['explain', 'alpine', '--json']);
		expect(result.exitCode).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual({
			input: 'alpine',
			valid: true,
			domain: 'docker.io',
			path: 'library/alpine',
			tag: 'latest',
			digest: null,
			normalized: 'docker.io/library/alpine:latest',
		});
	});

	it('exits 1 with the reason for an invalid name', async () => {
		const result = await cli(['explain', 'My App', '--json']);
		expect(result.exitCode).toBe(1);
		const json = JSON.parse(result.stdout) as {reason?: unknown};
		expect(json).toMatchObject({input: 'My App', valid: false});
		expect(json.reason).toMatch(/space/);
	});

	it('explains in words without --json', async () => {
		const result = await cli(['explain', '127.0.0.1:5000/alice/demo:1.0']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/127\.0\.0\.1:5000/);
		expect(result.stdout).toMatch(/1\.0/);
	});

	it('refuses a missing name with usage (exit 2)', async () => {
		const result = await cli(['explain']);
		expect(result.exitCode).toBe(2);
		expect(result.stdout).toMatch(/Usage/);
	});
});

describe('registry-lab diagnose', () => {
	it('reads the message on stdin', async () => {
		const result = await cli(['diagnose', '--json'], {
			stdin: 'Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
		});
		expect(result.exitCode).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({cause: 'login-failed'});
	});

	it('takes --text, and exits 1 for a message it does not know', async () => {
		const result = await cli(['diagnose', '--json', '--text', 'the moon is made of cheese']);
		expect(result.exitCode).toBe(1);
		expect(Object.keys(JSON.parse(result.stdout) as object).sort()).toEqual(['cause', 'hint', 'title']);
	});
});

describe('registry-lab itself', () => {
	it('--help lists every command and option', async () => {
		const result = await cli(['--help']);
		expect(result.exitCode).toBe(0);
		for (const word of ['explain', 'diagnose', 'doctor', 'verify', 'reset', '--hub', '--registry', '--practice', '--lesson', '--engine', '--version']) {
			expect(result.stdout).toContain(word);
		}
	});

	it('--version prints the package version', async () => {
		const result = await cli(['--version']);
		expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});

	it('an unknown option is a usage error (exit 2) that names it', async () => {
		const result = await cli(['--pratice']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/pratice/);
	});

	it('an unknown command is a usage error', async () => {
		const result = await cli(['push']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/no command 'push'/);
	});

	it('a bad --registry value is refused with the reason', async () => {
		const result = await cli(['--registry', 'https://registry.example:5000']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/Leave out the https:\/\/ part/);
	});

	it('without a terminal it explains instead of crashing', async () => {
		const result = await cli(['--practice']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/needs a terminal/);
		expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
	});
});
