import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import {preflight} from '../../src/container/preflight.js';

/** These tests drive the real engines on this machine: no mocks. */
const installed = (program: string): boolean => {
	try {
		execFileSync(program, ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
};

const hasPodman = installed('podman');
const missingSocket = 'unix:///tmp/registry-lab-nope.sock';
const docker = (env: Record<string, string | undefined> = {}, bin = 'docker'): Engine => ({name: 'docker', bin, env: {...process.env, ...env}});
const podman = (globalArgs: readonly string[] = [], bin = 'podman'): Engine => ({
	name: 'podman',
	bin,
	env: process.env,
	globalArgs: ['--storage-driver', 'vfs', ...globalArgs],
});

const scratch = mkdtempSync(path.join(tmpdir(), 'registry-lab-preflight-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

describe('preflight with docker', () => {
	it('passes with the running daemon, and reports both versions', async () => {
		const result = await preflight(docker());
		expect(result.ok).toBe(true);
		expect(result.items.map(item => [item.id, item.ok])).toEqual([
			['engine-cli', true],
			['daemon', true],
		]);
		expect(result.clientVersion).toMatch(/^\d+\.\d+/);
		expect(result.serverVersion).toMatch(/^\d+\.\d+/);
		for (const item of result.items) expect(item.diagnosis).toBeUndefined();
	});

	it('says docker is missing when the program does not exist', async () => {
		const result = await preflight(docker({}, '/nonexistent/docker'));
		expect(result.ok).toBe(false);
		expect(result.items).toHaveLength(1);
		const [cli] = result.items;
		expect(cli?.id).toBe('engine-cli');
		expect(cli?.ok).toBe(false);
		expect(cli?.detail).toContain('/nonexistent/docker');
		expect(cli?.diagnosis?.cause).toBe('engine-missing');
		expect(cli?.diagnosis?.hint).toMatch(/Install Docker Desktop/);
		expect(result.clientVersion).toBeUndefined();
	});

	it('says the daemon is unreachable when DOCKER_HOST points to a missing socket', async () => {
		const result = await preflight(docker({DOCKER_HOST: missingSocket}));
		expect(result.ok).toBe(false);
		const [cli, daemon] = result.items;
		expect(cli?.ok).toBe(true);
		expect(result.clientVersion).toMatch(/^\d+\.\d+/);
		expect(result.serverVersion).toBeUndefined();
		expect(daemon?.id).toBe('daemon');
		expect(daemon?.ok).toBe(false);
		expect(daemon?.summary).toMatch(/not running/);
		expect(daemon?.detail).toContain('Cannot connect to the Docker daemon at unix:///tmp/registry-lab-nope.sock');
		expect(daemon?.diagnosis?.cause).toBe('daemon-unreachable');
		expect(daemon?.diagnosis?.hint).toContain('sudo systemctl start docker');
		expect(daemon?.diagnosis?.hint).toContain('DOCKER_HOST');
	});

	it('says the daemon is unreachable when nothing listens on a tcp DOCKER_HOST', async () => {
		const result = await preflight(docker({DOCKER_HOST: 'tcp://127.0.0.1:9'}));
		expect(result.items[1]?.diagnosis?.cause).toBe('daemon-unreachable');
	});

	it('gives up after the time limit when the engine hangs', async () => {
		// A stand-in docker that never answers: a real tiny process, not a mock.
		const hanging = path.join(scratch, 'docker');
		writeFileSync(hanging, `#!${process.execPath}\nsetTimeout(() => {}, 60_000);\n`);
		chmodSync(hanging, 0o755);
		const started = Date.now();
		const result = await preflight(docker({}, hanging), {timeoutMs: 800});
		expect(Date.now() - started).toBeLessThan(8000);
		expect(result.ok).toBe(false);
		const daemon = result.items.find(item => item.id === 'daemon');
		expect(daemon?.summary).toMatch(/did not answer within 1 second\b/);
		expect(daemon?.diagnosis?.cause).toBe('daemon-unreachable');
	});

	it('resolves, without throwing, when the caller aborts', async () => {
		const result = await preflight(docker(), {signal: AbortSignal.abort()});
		expect(result.ok).toBe(false);
		expect(result.items[0]?.summary).toMatch(/stopped/);
	});
});

describe.skipIf(!hasPodman)('preflight with podman', () => {
	it('passes with podman on this machine', async () => {
		const result = await preflight(podman());
		expect(result.ok).toBe(true);
		expect(result.items.map(item => [item.id, item.ok])).toEqual([
			['engine-cli', true],
			['daemon', true],
		]);
		expect(result.clientVersion).toMatch(/^\d+\.\d+/);
		expect(result.serverVersion).toMatch(/^\d+\.\d+/);
	});

	it('says podman is missing when the program does not exist', async () => {
		const result = await preflight(podman([], '/nonexistent/podman'));
		expect(result.items[0]?.diagnosis?.cause).toBe('engine-missing');
		expect(result.items[0]?.diagnosis?.hint).toMatch(/podman\.io/);
	});

	it('says the engine is unreachable when the remote podman service is not there', async () => {
		const result = await preflight({name: 'podman', bin: 'podman', env: process.env, globalArgs: ['--remote', '--url', missingSocket]});
		expect(result.ok).toBe(false);
		const [cli, daemon] = result.items;
		expect(cli?.ok).toBe(true);
		expect(daemon?.ok).toBe(false);
		expect(daemon?.diagnosis?.cause).toBe('daemon-unreachable');
		expect(daemon?.diagnosis?.hint).toContain('podman machine start');
	});
});
