// Run by bench/run.mjs through tsx: latency of each lesson check against a real practice registry on
// loopback, and the CPU seconds of a plain `docker push` of the benchmark image (the baseline for the
// lab's push). Prints one JSON object on stdout; progress goes to stderr.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {runCheck, type CheckContext} from '../src/checks/checks.js';
import type {Check} from '../src/lesson/schema.js';
import {createHubClient} from '../src/registry/hub-client.js';
import {startPracticeRegistry} from '../src/registry/practice-registry.js';
import {runCommand} from '../src/run/run-command.js';

const image = process.argv[2];
const runs = Number(process.argv[3] ?? 7);
if (!image) throw new Error('usage: tsx bench/checks.ts IMAGE [RUNS]');

const config = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-bench-docker-'));
writeFileSync(path.join(config, 'config.json'), '{"auths": {}}\n');
const env = {...process.env, DOCKER_CONFIG: config};
const docker = (args: string[], input?: string): string =>
	execFileSync('docker', args, {env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20});

const started = await startPracticeRegistry({accounts: [{username: 'student'}]});
if (!started.ok) throw new Error(`${started.message}\n${started.hint}\n${started.log ?? ''}`);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
	const {host} = started;
	const {username, password} = started.accounts[0]!;
	docker(['login', host, '--username', username, '--password-stdin'], password);
	const target = `${host}/${username}/bench:1.0`;
	docker(['tag', image, target]);

	// Plain docker push: user+system CPU of the docker CLI (bash's `times`, millisecond figures), and of dockerd.
	process.stderr.write(`bench: docker push ${target} (plain)\n`);
	const dockerdPid = Number(execFileSync('sh', ['-c', 'pidof dockerd || true'], {encoding: 'utf8'}).trim().split(' ')[0]) || undefined;
	const cpuOf = (pid: number): number => {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return text.slice(text.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number).reduce((a, b) => a + b, 0) / 100;
	};
	const dockerdBefore = dockerdPid ? cpuOf(dockerdPid) : Number.NaN;
	const wallStart = performance.now();
	const times = execFileSync('bash', ['-c', 'docker push "$1" >/dev/null 2>&1 || exit 1; times', '_', target], {env, encoding: 'utf8'});
	const pushWall = (performance.now() - wallStart) / 1000;
	const dockerdSeconds = dockerdPid ? cpuOf(dockerdPid) - dockerdBefore : Number.NaN;
	const seconds = (text: string): number => {
		const [, m, s] = /(\d+)m([\d.]+)s/.exec(text)!;
		return Number(m) * 60 + Number(s);
	};
	const [user, system] = times.trim().split('\n')[1]!.trim().split(/\s+/).map(seconds);

	const context: CheckContext = {engine: {name: 'docker', bin: 'docker', env}, registry: host, hub: createHubClient()};
	const checks: Record<string, Check> = {
		'logged-in': {type: 'logged-in', registry: host, username},
		'local-image': {type: 'local-image', reference: target},
		'same-image': {type: 'same-image', source: image, target},
		manifest: {type: 'manifest', reference: target},
		tags: {type: 'tags', reference: target},
	};
	// In the lab no check is the first process it starts (the preflight runs `docker version` before step 1),
	// so the process runner is loaded once here, outside the timing, as it is by then in the lab.
	await runCommand({file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], env});
	const latency: Record<string, {medianMs: number; maxMs: number; ok: boolean; summary: string}> = {};
	for (const [name, check] of Object.entries(checks)) {
		const times: number[] = [];
		let last = {ok: false, summary: ''};
		for (let i = 0; i < runs; i++) {
			const start = performance.now();
			last = await runCheck(check, context);
			times.push(performance.now() - start);
		}
		latency[name] = {medianMs: median(times), maxMs: Math.max(...times), ok: last.ok, summary: last.summary};
	}
	docker(['rmi', target]);
	process.stdout.write(`${JSON.stringify({dockerPush: {cpuSeconds: user! + system!, user, system, dockerdSeconds, wallSeconds: pushWall}, latency})}\n`);
} finally {
	await started.stop();
	rmSync(config, {recursive: true, force: true});
}
