import {describe, expect, it} from 'vitest';
import {runCheck, type CheckContext} from '../../src/checks/checks.js';
import {diagnose} from '../../src/container/diagnose.js';
import {createHubClient} from '../../src/registry/hub-client.js';
import real from '../fixtures/engine-errors-real.json' with {type: 'json'};
import shared from '../fixtures/docker-errors.json' with {type: 'json'};

// registry-host reads the name only: no engine runs (its bin does not exist, so a run would fail).
const context: CheckContext = {
	engine: {name: 'docker', bin: '/nonexistent/docker', env: {}},
	registry: '127.0.0.1:5000',
	hub: createHubClient({baseUrl: 'http://127.0.0.1:9', timeoutMs: 100}),
};
const hostCheck = (reference: string, registry = '127.0.0.1:5000') => runCheck({type: 'registry-host', reference, registry}, context);

describe('registry-host: the name to pull points at the lesson’s registry', () => {
	it('a name without a host is refused on a class registry: docker would look on Docker Hub; the full name is offered', async () => {
		const result = await hostCheck('bob/ceo-classmate:1.0');
		expect(result.ok).toBe(false);
		expect(result.couldNotCheck).toBeUndefined();
		expect(result.detail).toContain('without a host, docker looks on Docker Hub (docker.io), not on 127.0.0.1:5000');
		expect(result.suggestion).toEqual({field: 'reference', value: '127.0.0.1:5000/bob/ceo-classmate:1.0'});
		expect(result.did).toBe("read the name 'bob/ceo-classmate:1.0': no host, so docker.io");
	});

	it('a name on the lesson’s registry passes', async () => {
		const result = await hostCheck('127.0.0.1:5000/bob/ceo-classmate:1.0');
		expect(result).toMatchObject({ok: true, summary: "127.0.0.1:5000/bob/ceo-classmate:1.0 is on 127.0.0.1:5000, the lesson's registry."});
	});

	it('another host is refused with the reason, and the lesson’s host offered', async () => {
		const result = await hostCheck('localhost:5000/bob/demo:1.0');
		expect(result.ok).toBe(false);
		expect(result.detail).toContain('names the registry localhost:5000, not 127.0.0.1:5000');
		expect(result.suggestion).toEqual({field: 'reference', value: '127.0.0.1:5000/bob/demo:1.0'});
	});

	it('on Docker Hub a name without a host is right, and docker.io/ in front too; another registry is refused, the Hub name offered', async () => {
		expect((await hostCheck('bob/demo:1.0', 'docker.io')).ok).toBe(true);
		expect((await hostCheck('alpine', 'docker.io')).ok).toBe(true);
		expect((await hostCheck('docker.io/bob/demo:1.0', 'docker.io')).ok).toBe(true);
		const elsewhere = await hostCheck('ghcr.io/bob/demo:1.0', 'docker.io');
		expect(elsewhere.ok).toBe(false);
		expect(elsewhere.detail).toContain('names the registry ghcr.io, not Docker Hub');
		expect(elsewhere.suggestion).toEqual({field: 'reference', value: 'bob/demo:1.0'});
	});
});

type Case = {readonly command: string; readonly text: string; readonly cause: string};

describe('a diagnosis names the registry docker contacted, not the lesson’s', () => {
	const hubLookup = (real.cases as readonly Case[]).find(c => c.command === 'docker pull alpine:3.20' && c.cause === 'network');
	const pullDenied = (shared.cases as readonly Case[]).find(c => c.text.includes('pull access denied for sam/private-app'));

	it('a real DNS failure for registry-1.docker.io, during a class lesson: Docker Hub, not the class registry', () => {
		const diagnosis = diagnose(hubLookup!.text, {command: 'docker pull bob/ceo-classmate:1.0', registry: '127.0.0.1:5000'});
		expect(diagnosis.cause).toBe('network');
		expect(diagnosis.title).toBe('docker could not reach Docker Hub (registry-1.docker.io) over the network.');
		expect(`${diagnosis.title} ${diagnosis.hint}`).not.toContain('127.0.0.1:5000');
	});

	it('pull access denied for a name without a host: that was Docker Hub', () => {
		const diagnosis = diagnose(pullDenied!.text, {command: 'docker pull', registry: '127.0.0.1:5000'});
		expect(diagnosis.cause).toBe('image-not-found');
		expect(diagnosis.hint).toContain('A private repository on Docker Hub');
		expect(diagnosis.hint).not.toContain('127.0.0.1:5000');
	});

	it('the command’s name says where docker went when the message names no host', () => {
		const diagnosis = diagnose('Error response from daemon: manifest unknown', {command: 'docker pull bob/demo:1.0', registry: '127.0.0.1:5000'});
		expect(`${diagnosis.title} ${diagnosis.hint}`).not.toContain('127.0.0.1:5000');
		const there = diagnose('Error response from daemon: manifest unknown', {
			command: 'docker pull 127.0.0.1:5000/bob/demo:1.0',
			registry: '127.0.0.1:5000',
		});
		expect(there.hint).toContain('docker login 127.0.0.1:5000');
	});
});
