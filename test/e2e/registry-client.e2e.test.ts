import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {access, constants, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createRegistryClient, type RegistryFailure} from '../../src/registry/registry-client.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';

// The real distribution registry with htpasswd accounts, and real docker pushing to it.
const registryBinary = '/usr/bin/docker-registry';
const alice = {username: 'alice', password: `pw-${randomBytes(9).toString('base64url')}`};
let root = '';
let host = '';
let registry: ChildProcess | undefined;
let dockerEnv: Record<string, string> = {};
const pushed: {tag: string; digest: string}[] = [];
const localRefs: string[] = [];

const killRegistry = () => {
	if (registry && registry.exitCode === null && registry.signalCode === null) registry.kill('SIGKILL');
};

const said = (result: CommandResult) => result.spawnError ?? (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`);

async function docker(args: string[], stdin?: string): Promise<CommandResult> {
	return runCommand({file: 'docker', args, env: dockerEnv, timeoutMs: 120_000, ...(stdin !== undefined ? {stdin} : {})});
}

async function mustDocker(args: string[], stdin?: string): Promise<string> {
	const result = await docker(args, stdin);
	if (result.exitCode !== 0) throw new Error(`docker ${args[0]} failed: ${said(result)}`);
	return result.stdout;
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

async function startRegistry(): Promise<void> {
	await writeFile(path.join(root, 'htpasswd'), `${alice.username}:${bcrypt.hashSync(alice.password, 10)}\n`);
	host = `127.0.0.1:${await freePort()}`;
	const config = [
		'version: 0.1',
		'log: {level: error, accesslog: {disabled: true}}',
		`storage: {filesystem: {rootdirectory: "${root}/storage"}}`,
		`http: {addr: "${host}", secret: "${randomBytes(16).toString('hex')}"}`,
		`auth: {htpasswd: {realm: "registry-lab e2e", path: "${root}/htpasswd"}}`,
		'',
	].join('\n');
	await writeFile(path.join(root, 'config.yml'), config);
	registry = spawn(registryBinary, ['serve', path.join(root, 'config.yml')], {stdio: ['ignore', 'ignore', 'pipe']});
	process.once('exit', killRegistry);
	let log = '';
	registry.stderr?.on('data', chunk => (log += String(chunk)));
	for (let tries = 0; tries < 150; tries++) {
		if (registry.exitCode !== null) break;
		const status = await fetch(`http://${host}/v2/`).then(answer => answer.status, () => 0);
		if (status === 401) return;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error(`${registryBinary} did not start on ${host}: ${log.trim() || 'no answer within 15 seconds'}`);
}

/** An image made offline from a tar of one random file, pushed as alice/demo:TAG; the digest docker printed. */
async function pushImage(tags: string[]): Promise<void> {
	const content = path.join(root, 'image');
	await mkdir(content, {recursive: true});
	await writeFile(path.join(content, 'hello.txt'), `registry-lab e2e ${randomBytes(8).toString('hex')}\n`);
	const tar = await runCommand({file: 'tar', args: ['cf', path.join(root, 'image.tar'), '-C', content, '.']});
	if (tar.exitCode !== 0) throw new Error(`tar failed: ${said(tar)}`);
	const [first, ...more] = tags.map(tag => `${host}/alice/demo:${tag}`);
	if (!first) throw new Error('no tag');
	await mustDocker(['import', path.join(root, 'image.tar'), first]);
	localRefs.push(first);
	for (const reference of more) {
		await mustDocker(['tag', first, reference]);
		localRefs.push(reference);
	}
	for (const [index, reference] of [first, ...more].entries()) {
		const output = await mustDocker(['push', reference]);
		const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
		if (!digest) throw new Error(`docker push ${reference} printed no digest:\n${output}`);
		pushed.push({tag: tags[index] ?? '', digest});
	}
}

beforeAll(async () => {
	const version = await runCommand({file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], timeoutMs: 30_000});
	if (version.exitCode !== 0 || !version.stdout.trim()) {
		throw new Error(`This test needs a running docker (CLI and daemon); run scripts/ensure-engine.sh as root. docker said: ${said(version)}`);
	}
	const present = await access(registryBinary, constants.X_OK).then(
		() => true,
		() => false,
	);
	if (!present) {
		throw new Error(
			`This test needs the distribution registry at ${registryBinary}: run scripts/ensure-engine.sh as root (it installs the docker-registry package).`,
		);
	}

	root = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-client-e2e-'));
	const config = path.join(root, 'docker-config');
	await mkdir(config);
	await writeFile(path.join(config, 'config.json'), '{"auths": {}}\n');
	dockerEnv = {DOCKER_CONFIG: config};
	await startRegistry();
	await mustDocker(['login', host, '--username', alice.username, '--password-stdin'], alice.password);
	await pushImage(['1.0', '2.0']);
});

afterAll(async () => {
	process.off('exit', killRegistry);
	if (registry && registry.exitCode === null && registry.signalCode === null) {
		const exited = new Promise(resolve => registry?.once('exit', resolve));
		registry.kill('SIGTERM');
		const stopped = await Promise.race([exited.then(() => true), new Promise(resolve => setTimeout(() => resolve(false), 3000))]);
		if (!stopped) killRegistry();
	}
	if (localRefs.length > 0) await docker(['image', 'rm', '--force', ...localRefs]);
	if (root) await rm(root, {recursive: true, force: true});
});

function expectNoPassword(result: unknown, ...secrets: string[]) {
	for (const secret of [alice.password, ...secrets]) expect(JSON.stringify(result)).not.toContain(secret);
}

describe('registry client against the real distribution registry', () => {
	it('ping: Basic auth, and the account is accepted', async () => {
		expect(await createRegistryClient({registry: host}).ping()).toEqual({ok: true, auth: 'basic', authenticated: false, scheme: 'http'});
		expect(await createRegistryClient({registry: host, credentials: alice}).ping()).toEqual({ok: true, auth: 'basic', authenticated: true, scheme: 'http'});
	});

	it('headManifest gives the digest docker push printed and docker image inspect shows', async () => {
		const client = createRegistryClient({registry: host, credentials: alice});
		const v1 = pushed.find(entry => entry.tag === '1.0');
		expect(v1).toBeDefined();
		const found = await client.headManifest('alice/demo', '1.0');
		expect(found).toMatchObject({ok: true, digest: v1?.digest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json'});
		const repoDigests = JSON.parse(await mustDocker(['image', 'inspect', '--format', '{{json .RepoDigests}}', `${host}/alice/demo:1.0`])) as string[];
		expect(repoDigests).toContain(`${host}/alice/demo@${found.ok ? found.digest : ''}`);
		// the same image under a second tag, and by its digest
		expect(await client.headManifest('alice/demo', '2.0')).toMatchObject({ok: true, digest: v1?.digest});
		expect(await client.headManifest('alice/demo', v1?.digest ?? '')).toMatchObject({ok: true, digest: v1?.digest});
	});

	it('a wrong password is unauthorized, and no message holds either password', async () => {
		const wrong = {username: 'alice', password: `${alice.password}-wrong`};
		const client = createRegistryClient({registry: host, credentials: wrong});
		for (const result of [
			await client.ping(),
			await client.headManifest('alice/demo', '1.0'),
			await client.listTags('alice/demo'),
			await client.catalog(),
		]) {
			expect(result).toMatchObject({ok: false, reason: 'unauthorized', status: 401});
			expect((result as RegistryFailure).message).toContain('"alice"');
			expectNoPassword(result, wrong.password);
		}
	});

	it('no login is unauthorized too: the registry wants one', async () => {
		const result = await createRegistryClient({registry: host}).headManifest('alice/demo', '1.0');
		expect(result).toMatchObject({ok: false, reason: 'unauthorized'});
	});

	it('a missing tag and a missing repository are not-found, with the registry’s codes', async () => {
		const client = createRegistryClient({registry: host, credentials: alice});
		const tag = await client.headManifest('alice/demo', 'nope');
		expect(tag).toMatchObject({ok: false, reason: 'not-found', status: 404, code: 'MANIFEST_UNKNOWN'});
		expect((tag as RegistryFailure).message).toContain('no tag "nope"');
		const repository = await client.headManifest('alice/nothing-here', '1.0');
		expect(repository).toMatchObject({ok: false, reason: 'not-found', status: 404, code: 'NAME_UNKNOWN'});
		expect(await client.listTags('alice/nothing-here')).toMatchObject({ok: false, reason: 'not-found', code: 'NAME_UNKNOWN'});
		expectNoPassword([tag, repository]);
	});

	it('listTags and catalog show what was pushed', async () => {
		const client = createRegistryClient({registry: host, credentials: alice});
		const tags = await client.listTags('alice/demo');
		expect(tags.ok && [...tags.tags].sort()).toEqual(['1.0', '2.0']);
		expect(await client.catalog()).toMatchObject({ok: true, repositories: ['alice/demo']});
	});

	it('https to this plain-HTTP registry is http-vs-https', async () => {
		const result = await createRegistryClient({registry: host, scheme: 'https', credentials: alice}).ping();
		expect(result).toMatchObject({ok: false, reason: 'http-vs-https'});
		expectNoPassword(result);
	});
});
