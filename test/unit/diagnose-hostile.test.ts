import {describe, expect, it} from 'vitest';
import {hostileInputs} from '../../bench/diagnose-inputs.js';
import {diagnose, examinedChars, examinedLines, tailOf} from '../../src/container/diagnose.js';

// Correctness only: how long these take is the bench's figure (bench/diagnose.ts), never a test's.
describe('hostile engine output up to 1 MB', () => {
	it.each(hostileInputs().map(input => ({...input, size: input.text.length})))('$name ($size chars) → $causes', ({text, command, causes}) => {
		const diagnosis = diagnose(text, command ? {command} : {});
		expect(causes).toContain(diagnosis.cause);
		// What the message names (a host, a platform) is shown in a sentence: never the whole flood.
		expect(diagnosis.title.length + diagnosis.hint.length).toBeLessThan(2000);
	});
});

describe('only the tail of the output is read', () => {
	it('keeps the last lines and drops what is before them', () => {
		const lines = Array.from({length: examinedLines + 50}, (_, index) => `line ${index}`);
		const tail = tailOf(lines.join('\n'));
		expect(tail.split('\n')).toEqual(lines.slice(-examinedLines));
	});

	it('keeps at most the last characters of one long line', () => {
		expect(tailOf('x'.repeat(examinedChars * 3))).toHaveLength(examinedChars);
		expect(tailOf('short\ntext')).toBe('short\ntext');
	});

	it('still finds an error at the end of long progress output', () => {
		const progress = Array.from({length: 5000}, (_, index) => `${index.toString(16)}: Pushing [=====>   ]  1.2MB/3.4MB`).join('\n');
		const text = `${progress}\ndenied: requested access to the resource is denied`;
		expect(diagnose(text, {command: 'docker push alice/demo:1.0'}).cause).toBe('push-denied');
	});

	it('finds containerd\'s "failed to resolve reference …: not found" only on one line', () => {
		const found = 'failed to resolve reference "docker.io/library/nope:latest": docker.io/library/nope:latest: not found';
		expect(diagnose(found, {command: 'docker pull nope'}).cause).toBe('image-not-found');
		expect(diagnose('failed to resolve reference "x"\nsomething: not found', {command: 'docker pull x'}).cause).toBe('unknown');
	});

	it('finds a spawn ENOENT of the engine, and not of another program', () => {
		expect(diagnose('spawn /usr/bin/docker ENOENT').cause).toBe('engine-missing');
		expect(diagnose('spawn /usr/bin/git ENOENT').cause).toBe('unknown');
	});
});

describe('docker login with a stored login that no longer works', () => {
	it('is a refused login', () => {
		const text =
			'Stored credentials invalid or expired\n' +
			'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password';
		expect(diagnose('Stored credentials invalid or expired', {command: 'docker login'}).cause).toBe('login-failed');
		expect(diagnose(text, {command: 'docker login'}).cause).toBe('login-failed');
		expect(diagnose('Stored credentials invalid or expired').cause).toBe('login-failed');
	});
});
