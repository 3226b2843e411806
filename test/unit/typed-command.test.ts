import {describe, expect, it} from 'vitest';
import {compareTyped, hintFor, splitCommandLine} from '../../src/container/typed-command.js';

const split = (line: string) => {
	const result = splitCommandLine(line);
	if (!result.ok) throw new Error(result.reason);
	return result.words;
};

describe('splitCommandLine splits like a shell, without one', () => {
	it.each([
		['docker push a/b:1.0', ['docker', 'push', 'a/b:1.0']],
		['  docker   tag  x  y ', ['docker', 'tag', 'x', 'y']],
		[`docker tag 'my image' "x\\"y"`, ['docker', 'tag', 'my image', 'x"y']],
		['docker tag a\\ b c', ['docker', 'tag', 'a b', 'c']],
		[`docker tag '' x`, ['docker', 'tag', '', 'x']],
	])('%s', (line, words) => expect(split(line)).toEqual(words));

	it('refuses an unclosed quote and shell operators, with the reason', () => {
		expect(splitCommandLine('docker tag "x y')).toMatchObject({ok: false, reason: expect.stringMatching(/double quote/)});
		expect(splitCommandLine('docker push x && rm -rf /')).toMatchObject({ok: false, reason: expect.stringMatching(/no shell.*&&/)});
		expect(splitCommandLine('docker push $(whoami)/x')).toMatchObject({ok: false});
		expect(splitCommandLine('docker push x/$(whoami)')).toMatchObject({ok: false});
		expect(splitCommandLine('docker push `id`')).toMatchObject({ok: false});
	});
});

const host = '127.0.0.1:5000';
const push = {engine: 'docker', expected: ['push', `${host}/alice/demo:1.0`], username: 'alice', registry: host};
const tag = {engine: 'docker', expected: ['tag', 'registry-lab-starter:1.0', `${host}/alice/demo:1.0`], username: 'alice', registry: host};
const hubPush = {engine: 'docker', expected: ['push', 'alice/demo:1.0'], username: 'alice', registry: 'docker.io'};

describe('compareTyped says what differs', () => {
	it('passes the exact command and its aliases', () => {
		expect(compareTyped(split(`docker push ${host}/alice/demo:1.0`), push)).toEqual({ok: true});
		expect(compareTyped(split(`docker image push ${host}/alice/demo:1.0`), push)).toEqual({ok: true});
	});

	it.each([
		['docker pus 127.0.0.1:5000/alice/demo:1.0', push, 'subcommand', /did you mean 'docker push'/],
		['docker run 127.0.0.1:5000/alice/demo:1.0', push, 'not-allowed', /docker push/],
		['podman push 127.0.0.1:5000/alice/demo:1.0', push, 'not-engine', /Only docker commands/],
		['sudo docker push x', push, 'not-engine', /Leave out sudo/],
		['docker push', push, 'missing-argument', /needs one name/],
		['docker push a b', push, 'extra-argument', /one too many/],
		['docker tag 127.0.0.1:5000/alice/demo:1.0', tag, 'missing-argument', /needs 2 names.*the image you have, then its new name/],
		['docker tag nginx 127.0.0.1:5000/alice/demo:1.0', tag, 'source-image', /the one you chose, registry-lab-starter:1\.0/],
		['docker push 127.0.0.1:5000/bob/demo:1.0', push, 'namespace', /under your username: alice\/demo/],
		['docker push 127.0.0.1:5000/demo:1.0', push, 'namespace', /under your username/],
		['docker push 127.0.0.1:5000/alice/demo', push, 'missing-tag', /Add the tag, :1\.0/],
		['docker push alice/demo:1.0', push, 'registry-host', /must start with the registry, 127\.0\.0\.1:5000\//],
		['docker push localhost:5000/alice/demo:1.0', push, 'registry-host', /127\.0\.0\.1:5000/],
		['docker push demo:1.0', hubPush, 'namespace', /alice\/demo/],
		['docker push 127.0.0.1:5000/alice/demo:2.0', push, 'different', /tag is 1\.0; you typed 2\.0/],
		[
			'docker login 127.0.0.1:5000 -u alice -p secret',
			{engine: 'docker', expected: ['login', host, '--username', 'alice', '--password-stdin']},
			'secret-in-argv',
			/Never put a password on the command line/,
		],
	])('%s', (line, context, mistake, message) => {
		const verdict = compareTyped(split(line), context);
		expect(verdict).toMatchObject({ok: false, mistake});
		if (!verdict.ok) expect(verdict.message).toMatch(message);
	});
});

describe('hint levels', () => {
	it('nudge, then shape, then the whole command', () => {
		const context = {...push, shape: 'docker push REGISTRY/USERNAME/REPOSITORY:TAG'};
		expect(hintFor(1, context)).toMatch(/^Nudge: .*docker push/);
		expect(hintFor(2, context)).toBe('Shape: docker push REGISTRY/USERNAME/REPOSITORY:TAG');
		expect(hintFor(3, context)).toContain(`docker push ${host}/alice/demo:1.0`);
	});
});
