// The class view of a Docker Hub class: what each student pushed comes from Docker Hub (a local replay server here),
// and class status says when Docker Hub could not be read for every student, or asked to wait.
import {rm} from 'node:fs/promises';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {ClassRecord} from '../../src/class/class-types.js';
import {clockTime} from '../../src/class/class-view.js';
import {statusCommand} from '../../src/commands/class/status.js';
import {demoLatestDigest, hubAccounts, rateLimited, serveHub, writeHubClass} from '../fixtures/class/hub-class.js';
import {report} from '../fixtures/class/records.js';
import {closeServers, closedOrigin} from '../helpers/http-server.js';

const folders: string[] = [];
afterEach(async () => {
	await closeServers();
	for (const dir of folders.splice(0)) await rm(dir, {recursive: true, force: true});
});

/** class status on DIR with Docker Hub at `hubBaseUrl`: its exit code, standard output and standard error. */
async function status(dir: string, hubBaseUrl: string, ...args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const err = vi.spyOn(process.stderr, 'write').mockImplementation(chunk => ((stderr += String(chunk)), true));
	try {
		const exitCode = await statusCommand(['--dir', dir, ...args], {out: text => (stdout += `${text}\n`), stdin: process.stdin, hubBaseUrl});
		return {exitCode, stdout, stderr};
	} finally {
		err.mockRestore();
	}
}

type HubJson = {
	students: {username: string; state: string; pushed: {reference: string; digest: string; at: string | null}[]; pulled: unknown[]}[];
	strays: unknown[];
	hub: {complete: boolean; limited: boolean; until: string | null; missing: string[]; problem?: string};
};

const hubClass = async (...records: ClassRecord[]): Promise<string> => {
	const dir = await writeHubClass(records);
	folders.push(dir);
	return dir;
};

describe('class status of a Docker Hub class', () => {
	it("--json shows each student's public tags from Docker Hub as what they pushed, and hub: {complete, limited, until}", async () => {
		const server = await serveHub();
		const dir = await hubClass(report('alicestudent', 'push', 'pass', 0));
		const result = await status(dir, server.origin, '--json');
		expect(result.exitCode).toBe(0);
		const json = JSON.parse(result.stdout) as HubJson;
		expect(Object.keys(json)).toEqual(['students', 'strays', 'hub']);
		expect(json.hub).toEqual({complete: true, limited: false, until: null, missing: ['nobodyhere']});
		const alice = json.students.find(student => student.username === 'alicestudent')!;
		// Newest first, with the digest and the time Docker Hub gives; the private repository is not shown.
		expect(alice.pushed).toEqual([
			{reference: 'alicestudent/demo:latest', digest: demoLatestDigest, at: '2025-03-16T09:12:00.000000Z'},
			{reference: 'alicestudent/demo:1.0', digest: expect.stringMatching(/^sha256:4f53/) as string, at: '2025-03-14T10:44:45.000000Z'},
			{reference: 'alicestudent/whalesay:latest', digest: expect.stringMatching(/^sha256:4f53/) as string, at: '2015-06-19T19:06:27Z'},
		]);
		// Docker Hub tells nobody of a pull: the view has none to show.
		expect(alice.pulled).toEqual([]);
		expect(json.students.find(student => student.username === 'emptyone')!.pushed).toEqual([]);
		// Only Docker Hub's web API was asked, for the roster's names.
		expect(new Set(server.seen.map(seen => seen.url.pathname.split('/')[3]))).toEqual(new Set(['alicestudent', 'emptyone', 'nobodyhere']));
		for (const account of hubAccounts) expect(result.stdout + result.stderr).not.toContain(account.password);
	});

	it('the table shows the pushes and names the account Docker Hub does not have', async () => {
		const server = await serveHub();
		const dir = await hubClass();
		const result = await status(dir, server.origin);
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^hub-class · registry docker\.io · students type: npx registry-lab --class 192\.0\.2\.10:5050$/);
		expect(result.stdout).toContain('Docker Hub has no account nobodyhere: check the spelling in the roster.');
		expect(result.stdout).not.toContain('rate-limiting');
		expect(result.stdout).not.toContain('Not every student');
		expect(result.stdout).toMatch(/alicestudent .* demo:latest 9b2f0e6 /);
	});

	it('says when Docker Hub is rate-limiting, and until when, in the table and in --json', async () => {
		const server = await serveHub(() => rateLimited(600));
		const dir = await hubClass();
		const before = Date.now();
		const json = JSON.parse((await status(dir, server.origin, '--json')).stdout) as HubJson;
		expect(json.hub).toMatchObject({complete: false, limited: true});
		const until = Date.parse(json.hub.until!);
		expect(until).toBeGreaterThanOrEqual(before + 600_000);
		expect(until).toBeLessThanOrEqual(Date.now() + 600_000);
		// One 429 pauses the whole watch: only the requests already under way (two at once) were made, not one per student.
		expect(server.seen.length).toBeLessThanOrEqual(2);

		const table = await status(dir, server.origin);
		expect(table.exitCode).toBe(0);
		expect(table.stdout).toContain(`Docker Hub is rate-limiting: no request until ${clockTime(json.hub.until!)} (in 10 min);`);
		expect(table.stdout).toContain("Not every student's repositories have been read from Docker Hub");
	});

	it('says when Docker Hub cannot be reached, and still shows the class from its reports', async () => {
		const dir = await hubClass(report('alicestudent', 'login', 'fail', 0, 'login-failed'));
		const result = await status(dir, await closedOrigin());
		expect(result.exitCode).toBe(0);
		expect(result.stdout.replace(/\n/g, ' ')).toMatch(
			/Not every student's repositories have been read from Docker Hub \(.*Docker Hub could not be reached/,
		);
		for (const line of result.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
		expect(result.stdout).toMatch(/alicestudent .* failing login: wrong password/);
		const json = JSON.parse((await status(dir, await closedOrigin(), '--json')).stdout) as HubJson;
		expect(json.hub).toMatchObject({complete: false, limited: false, until: null});
	});
});

describe('clockTime', () => {
	it('is HH:MM:SS on this machine’s clock, and the text itself when it is not a time', () => {
		expect(clockTime('not a time')).toBe('not a time');
		expect(clockTime(new Date(2025, 2, 16, 9, 5, 7).toISOString())).toBe('09:05:07');
	});
});
