import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import {configKeyFor, dockerConfigPath, listLogins, podmanAuthPath, readLoginState, readStoredCredentials} from '../../src/container/login-state.js';

const hub = 'https://index.docker.io/v1/';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const dirs: string[] = [];

afterAll(async () => {
	for (const dir of dirs) await rm(dir, {recursive: true, force: true});
});

/** A home of its own: a docker config dir, a bin dir on PATH for fake helpers, nothing shared with the real user. */
async function sandbox(name: 'docker' | 'podman' = 'docker') {
	const root = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-login-'));
	dirs.push(root);
	const home = path.join(root, 'home');
	const dockerDir = path.join(root, 'docker');
	const bin = path.join(root, 'bin');
	const log = path.join(root, 'helper-argv.log');
	await Promise.all([mkdir(home), mkdir(dockerDir), mkdir(bin)]);
	await writeFile(log, '');
	const env = {
		HOME: home,
		DOCKER_CONFIG: dockerDir,
		PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
		REGISTRY_AUTH_FILE: path.join(root, 'auth.json'),
		XDG_RUNTIME_DIR: undefined,
		XDG_CONFIG_HOME: undefined,
	};
	// A podman that cannot run, so that these tests read the files only (podman itself is tried in the e2e file).
	const engine: Engine = name === 'docker' ? {name, bin: 'docker', env} : {name, bin: path.join(root, 'no-podman-here'), env};
	return {
		root,
		engine,
		configPath: path.join(dockerDir, 'config.json'),
		authPath: env.REGISTRY_AUTH_FILE,
		writeConfig: (config: unknown) => writeFile(path.join(dockerDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config)),
		writeAuth: (config: unknown) => writeFile(env.REGISTRY_AUTH_FILE, JSON.stringify(config)),
		/** A fake docker-credential-NAME: logs its argv, answers `list` with the given map, fails anything else. */
		async helper(helperName: string, list: Record<string, string> | {fail: string}) {
			const answer = path.join(root, `${helperName}.list`);
			await writeFile(answer, 'fail' in list ? list.fail : JSON.stringify(list));
			const program = path.join(bin, `docker-credential-${helperName}`);
			const onList = 'fail' in list ? `cat '${answer}' >&1; exit 1` : `cat '${answer}'`;
			await writeFile(
				program,
				`#!/bin/sh\nprintf '%s %s\\n' '${helperName}' "$*" >> '${log}'\ncat > /dev/null\ncase "$1" in\n  list) ${onList} ;;\n  *) echo ` +
					`'{"ServerURL":"x","Username":"leaked","Secret":"SECRET-FROM-GET"}' ;;\nesac\n`,
			);
			await chmod(program, 0o755);
		},
		helperCalls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean),
	};
}

describe('configKeyFor and the config paths', () => {
	it('uses docker’s own key for Docker Hub and host[:port] for every other registry', () => {
		expect(configKeyFor('docker.io')).toBe(hub);
		expect(configKeyFor('index.docker.io')).toBe(hub);
		expect(configKeyFor(hub)).toBe(hub);
		expect(configKeyFor('127.0.0.1:5000')).toBe('127.0.0.1:5000');
		expect(configKeyFor('http://127.0.0.1:5000')).toBe('127.0.0.1:5000');
		expect(configKeyFor('https://registry.school.example:8443/v2/')).toBe('registry.school.example:8443');
		expect(configKeyFor('ghcr.io')).toBe('ghcr.io');
		// Not a spelling of Docker Hub as far as docker's config is concerned.
		expect(configKeyFor('registry-1.docker.io')).toBe('registry-1.docker.io');
	});

	it('finds docker’s config through DOCKER_CONFIG, else in HOME', () => {
		expect(dockerConfigPath({DOCKER_CONFIG: '/tmp/dc', HOME: '/home/ann'})).toBe('/tmp/dc/config.json');
		expect(dockerConfigPath({HOME: '/home/ann'})).toBe('/home/ann/.docker/config.json');
		expect(dockerConfigPath({DOCKER_CONFIG: '', HOME: '/home/ann'})).toBe('/home/ann/.docker/config.json');
	});

	it('finds podman’s auth file the way podman does on each system', () => {
		expect(podmanAuthPath({REGISTRY_AUTH_FILE: '/tmp/my-auth.json', XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/ann'}, 'linux')).toBe(
			'/tmp/my-auth.json',
		);
		expect(podmanAuthPath({XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/ann'}, 'linux')).toBe('/run/user/1000/containers/auth.json');
		expect(podmanAuthPath({HOME: '/home/ann'}, 'linux')).toBe(`/run/containers/${process.getuid?.() ?? 0}/auth.json`);
		expect(podmanAuthPath({XDG_RUNTIME_DIR: '/run/user/501', HOME: '/Users/ann'}, 'darwin')).toBe('/Users/ann/.config/containers/auth.json');
		expect(podmanAuthPath({REGISTRY_AUTH_FILE: '/tmp/a.json', HOME: '/Users/ann'}, 'darwin')).toBe('/tmp/a.json');
	});
});

describe('docker logins kept in the config file', () => {
	it('says who is logged in without ever returning the password', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'127.0.0.1:5000': {auth: basic('alice', 'hunter2-secret')}}});
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toEqual({loggedIn: true, registry: '127.0.0.1:5000', username: 'alice', store: {kind: 'file'}, configPath: box.configPath});
		expect(JSON.stringify(state)).not.toContain('hunter2-secret');
		expect(JSON.stringify(state)).not.toContain(basic('alice', 'hunter2-secret'));
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toEqual({username: 'alice', password: 'hunter2-secret'});
	});

	it('keeps a password that itself contains a colon', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'127.0.0.1:5000': {auth: basic('alice', 'a:b:c')}}});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toEqual({username: 'alice', password: 'a:b:c'});
	});

	it('reads Docker Hub’s login from its https://index.docker.io/v1/ key, whatever the Hub is called', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {[hub]: {auth: basic('hubuser', 'pw')}}});
		for (const name of ['docker.io', 'index.docker.io']) {
			expect(await readLoginState(box.engine, name)).toMatchObject({loggedIn: true, registry: 'docker.io', username: 'hubuser'});
		}
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({
			loggedIn: false,
			reason: expect.stringContaining('no saved login for 127.0.0.1:5000'),
		});
	});

	it('does not count a "docker.io" key, which docker itself never reads', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'docker.io': {auth: basic('hubuser', 'pw')}}});
		expect(await readLoginState(box.engine, 'docker.io')).toMatchObject({loggedIn: false});
		expect(await readStoredCredentials(box.engine, 'docker.io')).toBeNull();
	});

	it('accepts keys written as http://host:port or https://host:port/v2/ (older docker logins)', async () => {
		const box = await sandbox();
		await box.writeConfig({
			auths: {'http://127.0.0.1:5000': {auth: basic('old', 'x')}, 'https://registry.school.example:8443/v2/': {auth: basic('school', 'y')}},
		});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: true, username: 'old'});
		expect(await readLoginState(box.engine, 'registry.school.example:8443')).toMatchObject({loggedIn: true, username: 'school'});
		expect(await readStoredCredentials(box.engine, 'registry.school.example:8443')).toEqual({username: 'school', password: 'y'});
		// Another port is another registry.
		expect(await readLoginState(box.engine, '127.0.0.1:5001')).toMatchObject({loggedIn: false});
	});

	it('treats an empty entry (what docker logout of a helper login leaves) as not logged in', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'127.0.0.1:5000': {}}});
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toMatchObject({loggedIn: false, reason: expect.stringContaining('holds no password')});
		expect(state).not.toHaveProperty('helperProblem');
	});

	it('counts a login made with an identity token, without a username', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'myregistry.azurecr.io': {identitytoken: 'eyJ-token'}}});
		const state = await readLoginState(box.engine, 'myregistry.azurecr.io');
		expect(state).toMatchObject({loggedIn: true, username: null, store: {kind: 'file'}});
		expect(JSON.stringify(state)).not.toContain('eyJ-token');
		expect(await readStoredCredentials(box.engine, 'myregistry.azurecr.io')).toBeNull();
	});

	it('explains a damaged "auth" value instead of throwing', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {'127.0.0.1:5000': {auth: Buffer.from('no-colon-here').toString('base64')}}});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: false, reason: expect.stringContaining('damaged')});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toBeNull();
	});

	it('says there is no login yet when the config file does not exist', async () => {
		const box = await sandbox();
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toEqual({
			loggedIn: false,
			registry: '127.0.0.1:5000',
			configPath: box.configPath,
			reason: `Docker has no saved logins yet: ${box.configPath} does not exist (logging in creates it).`,
		});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toBeNull();
		expect(await listLogins(box.engine)).toEqual({
			configPath: box.configPath,
			configExists: false,
			credsStore: null,
			credHelpers: {},
			registries: [],
			helperProblems: [],
			configProblem: null,
		});
	});

	it('treats an empty config file as no logins, as docker does', async () => {
		const box = await sandbox();
		await box.writeConfig('');
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({
			loggedIn: false,
			reason: expect.stringContaining('no saved login for 127.0.0.1:5000'),
		});
	});

	it('explains a corrupt config file instead of throwing', async () => {
		const box = await sandbox();
		await box.writeConfig('{"auths": {"127.0.0.1:5000": {"auth": ');
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toMatchObject({
			loggedIn: false,
			configPath: box.configPath,
			reason: expect.stringMatching(/config\.json is not valid JSON \(.+\), so the saved logins in it cannot be read\. Fix the file/),
		});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toBeNull();
		const summary = await listLogins(box.engine);
		expect(summary).toMatchObject({configExists: true, registries: [], configProblem: expect.stringContaining('not valid JSON')});
	});

	it('explains a config file of the wrong shape', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: ['127.0.0.1:5000']});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({
			loggedIn: false,
			reason: expect.stringContaining('its "auths" is not an object'),
		});
		await box.writeConfig('[]');
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: false, reason: expect.stringContaining('not a JSON object')});
	});
});

describe('docker logins kept by a credential helper', () => {
	it('asks the credsStore helper for its list only, never for a secret', async () => {
		const box = await sandbox();
		await box.helper('fake', {'127.0.0.1:5000': 'alice', [hub]: 'hubuser'});
		await box.writeConfig({auths: {'127.0.0.1:5000': {}, [hub]: {}}, credsStore: 'fake'});
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toEqual({
			loggedIn: true,
			registry: '127.0.0.1:5000',
			username: 'alice',
			store: {kind: 'helper', helper: 'fake', program: 'docker-credential-fake'},
			configPath: box.configPath,
		});
		expect(await readLoginState(box.engine, 'docker.io')).toMatchObject({loggedIn: true, username: 'hubuser'});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toBeNull();
		const summary = await listLogins(box.engine);
		expect(summary.credsStore).toBe('fake');
		expect(summary.registries).toEqual([
			{registry: '127.0.0.1:5000', username: 'alice', store: {kind: 'helper', helper: 'fake', program: 'docker-credential-fake'}},
			{registry: 'docker.io', username: 'hubuser', store: {kind: 'helper', helper: 'fake', program: 'docker-credential-fake'}},
		]);
		const calls = await box.helperCalls();
		expect(calls.length).toBeGreaterThanOrEqual(3);
		expect(calls.every(call => call === 'fake list')).toBe(true);
		expect(JSON.stringify([state, summary])).not.toContain('SECRET-FROM-GET');
	});

	it('says not logged in when the helper holds nothing for this registry (no helper problem)', async () => {
		const box = await sandbox();
		await box.helper('fake', {'127.0.0.1:5000': 'alice'});
		await box.writeConfig({credsStore: 'fake'});
		const state = await readLoginState(box.engine, '127.0.0.1:5001');
		expect(state).toMatchObject({loggedIn: false, reason: expect.stringContaining('docker-credential-fake')});
		expect(state).not.toHaveProperty('helperProblem');
	});

	it('uses the helper, not a stale password left in the file, when credsStore is set', async () => {
		const box = await sandbox();
		await box.helper('fake', {});
		await box.writeConfig({auths: {'127.0.0.1:5000': {auth: basic('stale', 'old-pass')}}, credsStore: 'fake'});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: false});
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toBeNull();
		expect((await listLogins(box.engine)).registries).toEqual([]);
	});

	it('lets credHelpers for a registry beat credsStore', async () => {
		const box = await sandbox();
		await box.helper('store', {'127.0.0.1:5000': 'from-store', 'other.example': 'someone'});
		await box.helper('special', {'127.0.0.1:5000': 'from-special'});
		await box.writeConfig({auths: {'127.0.0.1:5000': {}}, credsStore: 'store', credHelpers: {'127.0.0.1:5000': 'special'}});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({
			loggedIn: true,
			username: 'from-special',
			store: {kind: 'helper', helper: 'special', program: 'docker-credential-special'},
		});
		expect(await box.helperCalls()).toEqual(['special list']);
		expect(await readLoginState(box.engine, 'other.example')).toMatchObject({loggedIn: true, username: 'someone', store: {helper: 'store'}});
		const summary = await listLogins(box.engine);
		expect(summary.credHelpers).toEqual({'127.0.0.1:5000': 'special'});
		expect(summary.registries).toEqual(
			expect.arrayContaining([
				{registry: '127.0.0.1:5000', username: 'from-special', store: {kind: 'helper', helper: 'special', program: 'docker-credential-special'}},
				{registry: 'other.example', username: 'someone', store: {kind: 'helper', helper: 'store', program: 'docker-credential-store'}},
			]),
		);
		expect(summary.registries).toHaveLength(2);
		expect((await box.helperCalls()).every(call => call.endsWith(' list'))).toBe(true);
	});

	it('shows a login made with a token (Docker Desktop sign-in) without a username', async () => {
		const box = await sandbox();
		await box.helper('fake', {[hub]: '<token>'});
		await box.writeConfig({credsStore: 'fake'});
		expect(await readLoginState(box.engine, 'docker.io')).toMatchObject({loggedIn: true, username: null});
	});

	it('explains a helper program that is not installed', async () => {
		const box = await sandbox();
		await box.writeConfig({auths: {[hub]: {}}, credsStore: 'desktop'});
		const state = await readLoginState(box.engine, 'docker.io');
		expect(state.loggedIn).toBe(false);
		if (state.loggedIn) return;
		expect(state.helperProblem).toBe(
			"Docker is set to keep passwords in 'desktop' (docker-credential-desktop), but that program is not installed: docker-credential-desktop " +
				"was not found on the PATH.",
		);
		expect(state.reason).toContain('"credsStore"');
		const summary = await listLogins(box.engine);
		expect(summary).toMatchObject({credsStore: 'desktop', registries: [], helperProblems: [state.helperProblem]});
	});

	it('explains a helper program that fails, in its own words', async () => {
		const box = await sandbox();
		await box.helper('pass', {fail: 'pass not initialized: exit status 1: Error: password store is empty. Try "pass init".'});
		await box.writeConfig({credsStore: 'pass'});
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toMatchObject({
			loggedIn: false,
			helperProblem: expect.stringMatching(/docker-credential-pass\), but that program failed when asked which logins it keeps: pass not initialized/),
		});
	});
});

describe('the summary for doctor', () => {
	it('lists every login in the file with its user, and only the user', async () => {
		const box = await sandbox();
		await box.writeConfig({
			auths: {'127.0.0.1:5000': {auth: basic('alice', 'secret-1')}, [hub]: {auth: basic('hubuser', 'secret-2')}, 'empty.example': {}},
		});
		const summary = await listLogins(box.engine);
		expect(summary).toEqual({
			configPath: box.configPath,
			configExists: true,
			credsStore: null,
			credHelpers: {},
			registries: [
				{registry: '127.0.0.1:5000', username: 'alice', store: {kind: 'file'}},
				{registry: 'docker.io', username: 'hubuser', store: {kind: 'file'}},
			],
			helperProblems: [],
			configProblem: null,
		});
		expect(JSON.stringify(summary)).not.toMatch(/secret-1|secret-2/);
	});
});

describe('podman logins, read from its files', () => {
	it('reads podman’s own auth file (REGISTRY_AUTH_FILE)', async () => {
		const box = await sandbox('podman');
		await box.writeAuth({auths: {'127.0.0.1:5000': {auth: basic('pod', 'pod-pass')}}});
		const state = await readLoginState(box.engine, '127.0.0.1:5000');
		expect(state).toEqual({loggedIn: true, registry: '127.0.0.1:5000', username: 'pod', store: {kind: 'file'}, configPath: box.authPath});
		expect(JSON.stringify(state)).not.toContain('pod-pass');
		expect(await readStoredCredentials(box.engine, '127.0.0.1:5000')).toEqual({username: 'pod', password: 'pod-pass'});
	});

	it('falls back to docker’s config.json, as podman does, and prefers its own file', async () => {
		const box = await sandbox('podman');
		await box.writeConfig({auths: {'127.0.0.1:5000': {auth: basic('from-docker', 'x')}, 'shared.example': {auth: basic('docker-user', 'y')}}});
		await box.writeAuth({auths: {'shared.example': {auth: basic('podman-user', 'z')}}});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: true, username: 'from-docker', configPath: box.configPath});
		expect(await readLoginState(box.engine, 'shared.example')).toMatchObject({loggedIn: true, username: 'podman-user', configPath: box.authPath});
		const summary = await listLogins(box.engine);
		expect(summary).toMatchObject({configPath: box.authPath, configExists: true, credsStore: null});
		expect(summary.registries).toEqual([
			{registry: 'shared.example', username: 'podman-user', store: {kind: 'file'}},
			{registry: '127.0.0.1:5000', username: 'from-docker', store: {kind: 'file'}},
		]);
	});

	it('matches podman’s "docker.io" key for Docker Hub', async () => {
		const box = await sandbox('podman');
		await box.writeAuth({auths: {'docker.io': {auth: basic('hubpod', 'x')}}});
		expect(await readLoginState(box.engine, 'docker.io')).toMatchObject({loggedIn: true, registry: 'docker.io', username: 'hubpod'});
	});

	it('ignores docker’s credsStore, which podman does not use', async () => {
		const box = await sandbox('podman');
		await box.helper('fake', {'127.0.0.1:5000': 'alice'});
		await box.writeConfig({auths: {'127.0.0.1:5000': {}}, credsStore: 'fake'});
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({loggedIn: false});
		expect(await box.helperCalls()).toEqual([]);
	});

	it('explains a corrupt podman auth file', async () => {
		const box = await sandbox('podman');
		await writeFile(box.authPath, '{oops');
		expect(await readLoginState(box.engine, '127.0.0.1:5000')).toMatchObject({
			loggedIn: false,
			configPath: box.authPath,
			reason: expect.stringContaining('is not valid JSON'),
		});
	});
});
