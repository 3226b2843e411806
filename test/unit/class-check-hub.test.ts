// class check on a Docker Hub class: the push is asked of Docker Hub (a replay server of its documented answers),
// the pull rests on the student's own report, and the line says so.
import {rm} from 'node:fs/promises';
import {afterAll, describe, expect, it} from 'vitest';
import {encodeCompletionCode, type ClaimInput} from '../../src/checks/completion-code.js';
import {checkCommand} from '../../src/commands/class/check.js';
import {closeServers} from '../helpers/http-server.js';
import {serveHubReplay} from '../helpers/hub-replay.js';
import {at, classConfig, report, writeClassFolder} from '../fixtures/class/records.js';

/** The digest tag.json gives for the tag and its one image. */
const tagDigest = 'sha256:4f53e2564790c8e7856ec08e384732aa38dc43c52f02952483e3f003afbf23db';
const accounts = [
	{username: 'alicestudent', password: 'k7qe-m2xa'},
	{username: 'bobstudent', password: 'p3rt-w8zn'},
];
const folders: string[] = [];
afterAll(async () => {
	await closeServers();
	for (const dir of folders) await rm(dir, {recursive: true, force: true});
});

async function hubClass(records: Parameters<typeof writeClassFolder>[0]['records']): Promise<string> {
	const dir = await writeClassFolder({config: classConfig({kind: 'hub', name: 'hub-class'}), accounts, records});
	folders.push(dir);
	return dir;
}

async function check(dir: string, ...codes: string[]): Promise<{exitCode: number; stdout: string}> {
	const hub = await serveHubReplay([], {'alicestudent/first-image:1.0': 'tag'});
	let stdout = '';
	const exitCode = await checkCommand(['--dir', dir, ...codes], {out: text => void (stdout += `${text}\n`), stdin: process.stdin, hubBaseUrl: hub.origin});
	return {exitCode, stdout};
}

const claim: ClaimInput = {
	lesson: 'registries',
	registry: 'docker.io',
	pushed: 'alicestudent/first-image:1.0',
	digest: tagDigest,
	pulled: 'bobstudent/first-image:1.0',
	pulledAt: at(6),
};

describe('class check on a Docker Hub class', () => {
	it("accepts a code whose tag Docker Hub has at that digest and whose pull the student's lab reported", async () => {
		const dir = await hubClass([report('alicestudent', 'pull', 'pass', 5)]);
		const result = await check(dir, encodeCompletionCode(claim));
		expect(result.stdout).toContain('✔ Docker Hub has alicestudent/first-image:1.0 at sha256:4f53e2564790…, the digest in the code.');
		expect(result.stdout).toContain(
			"✔ alicestudent's lab reported the pull step passing at 2020-03-02 10:05 UTC (the code says 2020-03-02 10:06 UTC). " +
				'Docker Hub tells no one about pulls: this is what the student’s own lab reported.',
		);
		expect(result.stdout).not.toContain('✘');
		expect(result.exitCode).toBe(0);
	});

	it('refuses a digest Docker Hub does not have for the tag, a tag it does not have, and a pull never reported', async () => {
		const dir = await hubClass([]);
		const wrongDigest = await check(dir, encodeCompletionCode({...claim, digest: `sha256:${'1'.repeat(64)}`}));
		expect(wrongDigest.exitCode).toBe(1);
		expect(wrongDigest.stdout).toContain(
			"✘ Docker Hub's alicestudent/first-image:1.0 is not at sha256:111111111111… (it is sha256:4f53e2564790… now): that digest was never pushed there",
		);
		expect(wrongDigest.stdout).toContain("✘ alicestudent's lab never reported the pull step passing");
		const noTag = await check(dir, encodeCompletionCode({...claim, pushed: 'alicestudent/other:2.0'}));
		expect(noTag.stdout).toContain('✘ Docker Hub has no alicestudent/other:2.0');
		expect(noTag.exitCode).toBe(1);
	});

	it('refuses a code made on a class registry: it is from another class', async () => {
		const dir = await hubClass([]);
		const result = await check(dir, encodeCompletionCode({...claim, registry: '10.0.0.5:5000', pushed: '10.0.0.5:5000/alicestudent/first-image:1.0'}));
		expect(result.stdout).toContain("✘ This code is from another class: it was made on 10.0.0.5:5000, and this class's registry is Docker Hub.");
		expect(result.exitCode).toBe(1);
	});
});
