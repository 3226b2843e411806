import {describe, expect, it} from 'vitest';
import {explainJson, explainText} from '../../src/container/explain.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('explainJson', () => {
	it('gives every part of a valid name and no reason key', () => {
		const json = explainJson('alpine');
		expect(json).toEqual({
			input: 'alpine',
			valid: true,
			domain: 'docker.io',
			path: 'library/alpine',
			tag: 'latest',
			digest: null,
			normalized: 'docker.io/library/alpine:latest',
		});
		expect(Object.keys(json)).not.toContain('reason');
		expect(JSON.parse(JSON.stringify(json))).toEqual(json);
	});

	it('gives the parts of a registry name with a tag and a digest', () => {
		expect(explainJson(`127.0.0.1:5000/alice/demo:1.0@${digest}`)).toEqual({
			input: `127.0.0.1:5000/alice/demo:1.0@${digest}`,
			valid: true,
			domain: '127.0.0.1:5000',
			path: 'alice/demo',
			tag: '1.0',
			digest,
			normalized: `127.0.0.1:5000/alice/demo:1.0@${digest}`,
		});
	});

	it('gives null parts and the reason for an invalid name', () => {
		const json = explainJson('my app');
		expect(json).toEqual({
			input: 'my app',
			valid: false,
			domain: null,
			path: null,
			tag: null,
			digest: null,
			normalized: null,
			reason: expect.stringContaining("'my app' contains a space") as string,
		});
	});
});

describe('explainText', () => {
	it('explains a Docker Hub short name and the defaults docker filled in', () => {
		const text = explainText('alpine');
		expect(text).toContain("'alpine' is a valid image name.");
		expect(text).toMatch(/Registry: +docker\.io \(Docker Hub\)/);
		expect(text).toContain("docker added 'library/'");
		expect(text).toMatch(/Repository: +library\/alpine/);
		expect(text).toMatch(/Tag: +latest/);
		expect(text).toContain("No tag was given, so docker uses 'latest'.");
		expect(text).toMatch(/Digest: +none/);
		expect(text).toMatch(/Full name: +docker\.io\/library\/alpine:latest/);
		expect(text).toMatch(/docker shows: +alpine:latest/);
	});

	it('does not claim docker added anything that was typed', () => {
		const text = explainText('docker.io/library/alpine:latest');
		expect(text).not.toContain("docker added 'library/'");
		expect(text).not.toContain('No tag was given');
		expect(text).not.toContain('does not start with a registry');
	});

	it('explains a localhost:5000 name with a user and a tag', () => {
		const text = explainText('localhost:5000/alice/demo:1.0');
		expect(text).toMatch(/Registry: +localhost:5000 \(the registry at localhost, port 5000, on this computer\)/);
		expect(text).not.toContain('Docker Hub');
		expect(text).toMatch(/Repository: +alice\/demo/);
		expect(text).toMatch(/Namespace: +alice/);
		expect(text).toMatch(/Tag: +1\.0/);
		expect(text).not.toContain('No tag was given');
		expect(text).toMatch(/Full name: +localhost:5000\/alice\/demo:1\.0/);
	});

	it('explains a digest', () => {
		const digestOnly = explainText(`alpine@${digest}`);
		expect(digestOnly).toContain(`Digest:       ${digest}`);
		expect(digestOnly).toMatch(/Tag: +none \(the digest picks the image\)/);
		expect(digestOnly).not.toContain('No tag was given');
		const both = explainText(`alpine:3.19@${digest}`);
		expect(both).toContain('docker uses the digest');
	});

	it('says why an invalid name is not valid', () => {
		const text = explainText('myuser/MyApp:1.0');
		expect(text.split('\n')).toEqual([
			"'myuser/MyApp:1.0' is not a valid image name.",
			"Reason: Repository names must be lowercase: 'myuser/MyApp' has uppercase letters. Try 'myuser/myapp:1.0'.",
		]);
	});

	it('warns when capital letters make docker read a user name as a registry', () => {
		const text = explainText('Alice/demo');
		expect(text).toMatch(/Registry: +Alice/);
		expect(text).toContain("If you meant the user 'alice', write 'alice/demo'.");
	});

	it('warns when a host and port without a slash is read as a Docker Hub tag', () => {
		expect(explainText('localhost:5000')).toContain("add '/' and a repository name: 'localhost:5000/myapp'");
	});

	it('has no colour codes', () => {
		for (const input of ['alpine', 'Alice/demo', 'my app', `alpine@${digest}`]) expect(explainText(input)).not.toContain('\u001B[');
	});

	it('a first part that looks like a registry but is no host name: docker takes the whole name as a path, with no registry', () => {
		expect(explainJson('ex_ample.com/repo:1.0')).toMatchObject({
			valid: true,
			domain: null,
			path: 'ex_ample.com/repo',
			tag: '1.0',
			note: expect.stringContaining('no Host in request URL'),
		});
		const text = explainText('ex_ample.com/repo');
		expect(text).toMatch(/^Registry: +none/m);
		expect(text).toMatch(/^Repository: +ex_ample\.com\/repo$/m);
		// A port after it is no path: that name docker refuses.
		expect(explainJson('ex_ample.com:5000/repo')).toMatchObject({valid: false});
	});

	it('a repository path over 255 characters is not valid: the daemon refuses it', () => {
		expect(explainJson(`alice/${'a'.repeat(250)}`)).toMatchObject({valid: false, reason: expect.stringMatching(/at most 255/)});
	});
});
