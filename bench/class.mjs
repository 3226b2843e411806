// Run by bench/run.mjs (--only class): a class replayed against the built listener, as fast as it takes them.
// 300 students sign in (one bcrypt check each), then 10,000 registry notifications (one event per POST, as the
// registry sends them) and 10,000 students' reports go to `registry-lab class listen`, each kind from 32 connections
// at once. Prints one JSON object: events/s, reports/s, how long until `class status` shows the last report sent,
// and the listener's peak RSS.
import {execFileSync, spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';

const [cli, studentsArg = '300', eventsArg = '10000', reportsArg = '10000'] = process.argv.slice(2);
const students = Number(studentsArg);
const eventCount = Number(eventsArg);
const reportCount = Number(reportsArg);
const connections = 32;
const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-lab-bench-class-'));
const agent = new http.Agent({keepAlive: true, maxSockets: connections});

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});

function post(port, pathname, body, authorization) {
	const data = Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: '127.0.0.1',
				port,
				path: pathname,
				method: 'POST',
				agent,
				headers: {'content-type': 'application/json', 'content-length': data.length, authorization},
			},
			response => {
				const chunks = [];
				response.on('data', chunk => chunks.push(chunk));
				response.on('end', () => resolve({status: response.statusCode, body: Buffer.concat(chunks).toString('utf8')}));
			},
		);
		request.once('error', reject);
		request.end(data);
	});
}

/** Run `count` jobs, `connections` at once; every answer must be 200. */
async function pool(count, job) {
	let next = 0;
	let failed;
	const worker = async () => {
		while (next < count && !failed) {
			const index = next++;
			const answer = await job(index);
			if (answer.status !== 200) failed = `request ${index}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`;
		}
	};
	await Promise.all(Array.from({length: connections}, worker));
	if (failed) throw new Error(failed);
}

const vmHwmKb = pid => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

let listener;
try {
	const roster = path.join(dir, 'roster.txt');
	const names = Array.from({length: students}, (_, index) => `student-${String(index + 1).padStart(3, '0')}`);
	writeFileSync(roster, `${names.join('\n')}\n`);
	const registryPort = await freePort();
	const listenerPort = await freePort();
	const folder = path.join(dir, 'class');
	execFileSync(
		process.execPath,
		[
			cli,
			'class',
			'init',
			'--roster',
			roster,
			'--dir',
			folder,
			'--address',
			'127.0.0.1',
			'--port',
			String(registryPort),
			'--listener-port',
			String(listenerPort),
		],
		{stdio: 'ignore'},
	);
	const config = JSON.parse(readFileSync(path.join(folder, 'class.json'), 'utf8'));
	const accounts = readFileSync(path.join(folder, 'accounts.csv'), 'utf8')
		.trim()
		.split('\n')
		.slice(1)
		.map(line => line.split(','));

	listener = spawn(process.execPath, [cli, 'class', 'listen', '--dir', folder, '--port', String(listenerPort), '--bind', '127.0.0.1'], {stdio: 'ignore'});
	for (let tries = 0; ; tries++) {
		const up = await new Promise(resolve => {
			const request = http.get({host: '127.0.0.1', port: listenerPort, path: '/health', agent}, response => {
				response.resume();
				resolve(response.statusCode === 200);
			});
			request.once('error', () => resolve(false));
		});
		if (up) break;
		if (tries > 200) throw new Error('the listener did not answer');
		await sleep(50);
	}

	const id = () => randomBytes(12).toString('base64url');
	const at = () => new Date().toISOString();
	const report = (step, outcome, cause) => ({id: id(), lesson: config.lesson, step, outcome, ...(cause ? {cause} : {}), at: at()});

	// Every student signs in once: the first report carries the class password, and the answer a token.
	const tokens = [];
	const signInStarted = performance.now();
	await pool(accounts.length, async index => {
		const [username, password] = accounts[index];
		const answer = await post(
			listenerPort,
			'/reports',
			{reports: [report('login', 'pass')]},
			`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
		);
		if (answer.status === 200) tokens[index] = JSON.parse(answer.body).token;
		return answer;
	});
	const signInMs = performance.now() - signInStarted;

	// The registry's notifications: manifest pushes and pulls, and the blob events around them.
	const digest = () => `sha256:${randomBytes(32).toString('hex')}`;
	const notification = index => {
		const username = accounts[index % accounts.length][0];
		const blob = index % 3 !== 2;
		return {
			events: [
				{
					id: id(),
					timestamp: at(),
					action: index % 2 === 0 ? 'push' : 'pull',
					target: {
						mediaType: blob ? 'application/octet-stream' : 'application/vnd.docker.distribution.manifest.v2+json',
						digest: digest(),
						size: 529,
						repository: `${username}/hello`,
						url: `http://127.0.0.1:${registryPort}/v2/${username}/hello/manifests/1.0`,
						...(blob ? {} : {tag: '1.0'}),
					},
					request: {id: id(), addr: '127.0.0.1:40000', host: `127.0.0.1:${registryPort}`, method: blob ? 'HEAD' : 'PUT', useragent: 'docker/27'},
					actor: {name: username},
					source: {addr: 'bench:5000', instanceID: 'bench'},
				},
			],
		};
	};
	const eventsStarted = performance.now();
	await pool(eventCount, index => post(listenerPort, '/events', notification(index), `Bearer ${config.notifySecret}`));
	const eventsMs = performance.now() - eventsStarted;

	const steps = ['what-is-a-registry', 'account', 'login', 'choose-image', 'tag', 'push', 'see-it', 'pull', 'done'];
	const reportsStarted = performance.now();
	await pool(reportCount, index => {
		const student = index % accounts.length;
		const step = steps[Math.floor(index / accounts.length) % steps.length];
		const outcome = index % 7 === 0 ? 'fail' : 'pass';
		return post(listenerPort, '/reports', {reports: [report(step, outcome, outcome === 'fail' ? 'network' : undefined)]}, `Bearer ${tokens[student]}`);
	});
	const reportsMs = performance.now() - reportsStarted;

	// The last one: how long until `class status` shows it, from the moment it is sent.
	const last = accounts.length - 1;
	const sent = performance.now();
	const answer = await post(listenerPort, '/reports', {reports: [report('pull', 'fail', 'image-not-found')]}, `Bearer ${tokens[last]}`);
	if (answer.status !== 200) throw new Error(`the last report: HTTP ${answer.status}`);
	let visibleMs;
	let statusMs;
	for (let tries = 0; tries < 50 && visibleMs === undefined; tries++) {
		const started = performance.now();
		const status = JSON.parse(
			execFileSync(process.execPath, [cli, 'class', 'status', '--dir', folder, '--json'], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024}),
		);
		statusMs = performance.now() - started;
		const row = status.students.find(student => student.username === accounts[last][0]);
		// The view says the cause in words: `pull: image not found`.
		if (row?.state === 'failing' && /^pull: image not found/.test(row.cause ?? '')) visibleMs = performance.now() - sent;
	}
	const rssKb = vmHwmKb(listener.pid);
	process.stdout.write(
		`${JSON.stringify({
			students: accounts.length,
			signInMs,
			events: eventCount,
			eventsPerSecond: eventCount / (eventsMs / 1000),
			reports: reportCount,
			reportsPerSecond: reportCount / (reportsMs / 1000),
			visibleMs: visibleMs ?? null,
			statusMs,
			rssKb,
		})}\n`,
	);
} finally {
	listener?.kill('SIGTERM');
	agent.destroy();
	await sleep(200);
	if (process.env.BENCH_KEEP) process.stderr.write(`bench: kept ${dir}\n`);
	else rmSync(dir, {recursive: true, force: true});
}
