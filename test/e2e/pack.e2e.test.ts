import {execFile} from 'node:child_process';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

// The published package, as a student's `npx registry-lab` gets it: built, packed, installed from the
// tarball alone into an empty folder with no registry access, and run from there.
const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// npm must not reach a registry: the tarball has to be enough on its own.
const offlineEnv = {...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'};

let work = '';
let tarball = '';
let bin = '';
let version = '';

async function registryLab(args: string[]): Promise<{stdout: string; stderr: string; code: number}> {
	try {
		const {stdout, stderr} = await run(bin, args, {cwd: work, env: offlineEnv, timeout: 30_000});
		return {stdout, stderr, code: 0};
	} catch (error) {
		const failed = error as {stdout?: string; stderr?: string; code?: number | string};
		if (typeof failed.code !== 'number') throw error;
		return {stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code};
	}
}

beforeAll(async () => {
	work = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-pack-'));
	version = (JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as {version: string}).version;
	await run(npm, ['run', 'build'], {cwd: repo, env: offlineEnv, timeout: 120_000});
	// --ignore-scripts: the bundle was just built; prepack would only build it again.
	const packed = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: repo, env: offlineEnv, timeout: 120_000});
	const [info] = JSON.parse(packed.stdout) as {filename: string}[];
	tarball = path.join(work, info!.filename);
	const app = path.join(work, 'app');
	await run('mkdir', ['-p', app]);
	await writeFile(path.join(app, 'package.json'), '{"name": "pack-check", "private": true}\n');
	await run(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], {cwd: app, env: offlineEnv, timeout: 120_000});
	bin = path.join(app, 'node_modules', '.bin', 'registry-lab');
}, 240_000);

afterAll(async () => {
	if (work) await rm(work, {recursive: true, force: true});
});

describe('the packed package', () => {
	it('holds only dist/, lessons/, README, LICENSE and package.json', async () => {
		const {stdout} = await run(npm, ['pack', '--dry-run', '--ignore-scripts', '--json'], {cwd: repo, env: offlineEnv, timeout: 60_000});
		const [info] = JSON.parse(stdout) as {files: {path: string}[]}[];
		const files = info!.files.map(file => file.path).sort();
		const outside = files.filter(file => !/^(dist|lessons)\//.test(file) && !['README.md', 'LICENSE', 'package.json'].includes(file));
		expect(outside).toEqual([]);
		const shipped = ['README.md', 'LICENSE', 'package.json', 'dist/cli.js', 'lessons/lesson.schema.json'];
		expect(files).toEqual(expect.arrayContaining(shipped));
	});

	it('has no runtime dependencies, and installing it adds nothing else', async () => {
		const manifest = JSON.parse(await readFile(path.join(work, 'app', 'node_modules', 'registry-lab', 'package.json'), 'utf8')) as Record<string, unknown>;
		for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) expect(manifest[field] ?? {}).toEqual({});
		const installed = (await readdir(path.join(work, 'app', 'node_modules'))).filter(entry => !entry.startsWith('.'));
		expect(installed).toEqual(['registry-lab']);
	});

	it('prints its version', async () => {
		const result = await registryLab(['--version']);
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(result.stdout.trim()).toBe(version);
	});

	it('explains an image name as JSON', async () => {
		const result = await registryLab(['explain', 'alpine', '--json']);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({
			input: 'alpine',
			valid: true,
			domain: 'docker.io',
			path: 'library/alpine',
			tag: 'latest',
			digest: null,
			normalized: 'docker.io/library/alpine:latest',
		});
	});

	it('finds and checks its built-in lesson', async () => {
		// The lessons ship inside the bundle (parsed at build time), not as files: a bundling mistake shows here.
		const result = await registryLab(['--lesson', 'no-such-lesson']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("there is no lesson 'no-such-lesson' (there is: registries, versions)");
	});

	it('shows its help', async () => {
		const result = await registryLab(['--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('registry-lab explain REF');
	});
});
