import {mkdtemp, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {defaultEngine} from '../../src/container/engine.js';
import {createLabServices} from '../../src/driver/services.js';
import {engineArgsProblem} from '../../src/lesson/engine-policy.js';
import {loadLessonFile, parseLesson} from '../../src/lesson/load.js';
import {runCommand} from '../../src/run/run-command.js';

/** A one-step lesson whose command has these arguments (and the password on standard input). */
const lessonWith = (args: readonly string[], more = '') =>
	[
		'id: x',
		'title: X',
		'steps:',
		'  - id: a',
		'    title: A',
		'    body: hi',
		'    inputs:',
		'      - {id: password, label: P, kind: secret}',
		'      - {id: target, label: T}',
		'    command:',
		`      args: ${JSON.stringify(args)}`,
		'      stdin: "{password}"',
		more,
	].join('\n');

const errorsOf = (text: string, file = 'evil.yaml'): string[] => {
	const result = parseLesson(text, file);
	return result.ok ? [] : [...result.errors];
};

describe('what a lesson may ask the engine to do', () => {
	it.each([
		[['login', '{registry}', '--username', '{username}', '--password-stdin']],
		[['tag', '{target}', '{target}:2.0']],
		[['push', '--quiet', '{target}']],
		[['pull', '--platform', 'linux/amd64', '{target}']],
		[['images', '--format', '{{.Repository}}']],
		[['image', 'inspect', '--format', '{{.Id}}', '{target}']],
		[['image', 'rm', '{target}']],
		[['rmi', '{target}']],
		[['rmi', '127.0.0.1:5000/alice/app:1.0']],
		[['run', '--rm', '-it', '-p', '127.0.0.1:8080:80', '{target}', 'sh', '-c', 'echo -v --privileged']],
		[['run', '--rm', '--network', 'none', 'alpine']],
	])('allows %j', args => {
		expect(errorsOf(lessonWith(args))).toEqual([]);
	});

	it.each([
		[['run', '--privileged', 'alpine'], 1, /'--privileged' is not allowed with 'run'/],
		[['run', '-v', '/:/host', 'alpine'], 1, /'-v' is not allowed/],
		[['run', '--volume=/:/host', 'alpine'], 1, /'--volume' is not allowed/],
		[['run', '--mount', 'type=bind,src=/,dst=/host', 'alpine'], 1, /'--mount'/],
		[['run', '--device', '/dev/sda', 'alpine'], 1, /'--device'/],
		[['run', '--cap-add', 'ALL', 'alpine'], 1, /'--cap-add'/],
		[['run', '--security-opt', 'seccomp=unconfined', 'alpine'], 1, /'--security-opt'/],
		[['run', '--network', 'host', 'alpine'], 1, /this computer's network/],
		[['run', '--net=host', 'alpine'], 1, /this computer's network/],
		[['run', '--pid', 'host', 'alpine'], 1, /'--pid'/],
		[['run', '--ipc', 'host', 'alpine'], 1, /'--ipc'/],
		[['run', '--userns', 'host', 'alpine'], 1, /'--userns'/],
		[['run', '-p', '80:80', 'alpine'], 1, /only on 127\.0\.0\.1/],
		[['run', '--publish=0.0.0.0:80:80', 'alpine'], 1, /only on 127\.0\.0\.1/],
		[['-H', 'tcp://127.0.0.1:5230', 'login', '--password-stdin'], 0, /global option/],
		[['--context', 'evil', 'push', '{target}'], 0, /global option/],
		[['push', '--config', '/tmp/evil', '{target}'], 1, /'--config' is not allowed with 'push'/],
		[['push', '--url', 'tcp://127.0.0.1:1', '{target}'], 1, /'--url'/],
		[['push', '-l', 'debug', '{target}'], 1, /'-l'/],
		[['push', '--tlsverify', '{target}'], 1, /'--tlsverify'/],
		[['login', '-p', 'x', '{registry}'], 1, /'-p' is not allowed with 'login'/],
		[['system', 'prune', '-af'], 0, /may not run 'system'/],
		[['exec', 'x', 'sh'], 0, /may not run 'exec'/],
		[['{target}', 'x'], 0, /written out, not a \{placeholder\}/],
		// Removing takes away one name: never -f, an image id or a digest, which would take every name of an image.
		[['rmi', '-f', '{target}'], 1, /'-f' is not allowed with 'rmi'/],
		[['image', 'rm', '--force', '{target}'], 2, /'--force' is not allowed with 'image rm'/],
		[['rmi', 'sha256:0123456789ab'], 1, /by its id or digest/],
		[['rmi', '0123456789abcdef'], 1, /by its id or digest/],
		[['image', 'rm', 'alice/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'], 2, /by its id or digest/],
	])('refuses %j at argument %i, with FILE:LINE and the reason', (args, index, reason) => {
		const errors = errorsOf(lessonWith(args));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(new RegExp(`^evil\\.yaml:11:\\d+: steps\\.0\\.command\\.args\\.${index}: not allowed: `));
		expect(errors[0]).toMatch(reason);
	});

	it('checks the filled-in arguments again: a value a student typed never becomes an option', () => {
		expect(engineArgsProblem(['push', '127.0.0.1:5000/alice/app:1.0'])).toBeUndefined();
		expect(engineArgsProblem(['push', '--privileged'])).toMatchObject({index: 1});
		expect(engineArgsProblem(['tag', 'alpine', '-H'])).toMatchObject({index: 2, reason: expect.stringContaining("'-H'")});
		// A name filled in is checked as a name: an image id in place of NAME:TAG is refused.
		expect(engineArgsProblem(['rmi', '{target}'], index => index > 0)).toBeUndefined();
		expect(engineArgsProblem(['rmi', '127.0.0.1:5000/alice/app:1.0'])).toBeUndefined();
		expect(engineArgsProblem(['rmi', '4f9e0c1a2b3c'])).toMatchObject({index: 1, reason: expect.stringContaining('one NAME:TAG at a time')});
		// As a placeholder it is a value when the lesson loads.
		expect(engineArgsProblem(['tag', '{image}', '{target}'], index => index > 0)).toBeUndefined();
	});

	it('the driver refuses to run arguments that break the rules, and nothing starts', async () => {
		const services = createLabServices({
			engine: {...defaultEngine('docker'), bin: '/nonexistent/docker'},
			registry: '127.0.0.1:5000',
			registryKind: 'class',
		});
		const outcome = await services.runEngine(['run', '--privileged', 'alpine'], {});
		expect(outcome).toMatchObject({exitCode: null, spawnError: 'refused', output: expect.stringContaining("'--privileged'")});
	});
});

describe('a secret goes to the engine on standard input, and nowhere else', () => {
	it('refuses a secret in the arguments, the text, a check, or under a name the lab saves', () => {
		expect(errorsOf(lessonWith(['login', '--username', 'alice', '--password-stdin'], '    tip: "yours: {password}"'))).toEqual([
			expect.stringMatching(/^evil\.yaml:13:\d+: steps\.0\.tip: \{password\} is a secret: it may only go to the engine on standard input/),
		]);
		const saved = errorsOf(
			'id: x\ntitle: X\nsteps:\n  - id: a\n    title: A\n    body: hi\n    inputs:\n      - {id: digest, label: D, kind: secret}\n' +
				'    check: {type: recorded, value: "{digest}"}\n',
		);
		expect(saved).toEqual([
			expect.stringMatching(/^evil\.yaml:8:\d+: steps\.0\.inputs\.0\.id: a secret cannot be called 'digest'/),
			expect.stringMatching(/^evil\.yaml:9:\d+: steps\.0\.check\.value: \{digest\} is a secret/),
		]);
	});
});

describe('a lesson file', () => {
	it('over 1 MB is refused before it is read', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-big-'));
		const file = path.join(dir, 'big.yaml');
		await writeFile(file, `${lessonWith(['push', '{target}'])}\n# ${'x'.repeat(1_000_001)}\n`);
		expect(await loadLessonFile(file)).toMatchObject({ok: false, errors: [expect.stringMatching(/larger than 1 MB/)]});
	});

	it('that breaks the rules is refused by --lesson with FILE:LINE, and nothing runs', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-evil-'));
		const file = path.join(dir, 'evil.yaml');
		await writeFile(file, lessonWith(['run', '--privileged', '-v', '/:/host', 'alpine']));
		const result = await runCommand({
			file: process.execPath,
			args: ['--import', 'tsx', 'src/main.ts', '--plain', '--lesson', file],
			stdin: '\n',
			timeoutMs: 30_000,
		});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain(`${file}:11:`);
		expect(result.stderr).toContain("'--privileged' is not allowed");
		expect(result.stdout).not.toContain('Step 1');
	});
});
